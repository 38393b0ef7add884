import type { Content, ConversationEvent, MessageEvent, ReactionSummary } from '@ottr/protocol';
import type { Conn } from './db.js';

export interface EventRow {
  pk: number;
  id: string;
  conversation_id: string;
  seq: number;
  type: string;
  sender: string | null;
  at: number;
  target: string | null;
  content: string | null;
  data: string | null;
  edited_at: number | null;
  deleted_at: number | null;
}

export const EVENT_COLUMNS = 'pk, id, conversation_id, seq, type, sender, at, target, content, data, edited_at, deleted_at';

/** EVENT_COLUMNS qualified with a table alias. */
export const eventColumns = (alias: string): string =>
  EVENT_COLUMNS.split(', ').map((c) => `${alias}.${c}`).join(', ');

/** Accounts listed per emoji in a reaction summary. */
const REACTORS_LISTED = 50;

/** Protocol events from rows; messages in their current state, with their reactions. */
export async function toEvents(c: Conn, rows: readonly EventRow[]): Promise<ConversationEvent[]> {
  const messageIds = rows.filter((r) => r.type === 'message' && r.deleted_at === null).map((r) => r.id);
  const reactions = messageIds.length > 0 ? await reactionSummaries(c, messageIds) : new Map<string, ReactionSummary[]>();
  return rows.map((r) => toEvent(r, reactions.get(r.id)));
}

/** Events by pk (in the order given, missing ones left out), in their current state. */
export async function eventsByPk(c: Conn, pks: readonly number[]): Promise<Map<number, ConversationEvent>> {
  if (pks.length === 0) return new Map();
  const rows = await c.rows<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE pk = ANY($1::bigint[])`, pks);
  const events = await toEvents(c, rows);
  return new Map(rows.map((r, i) => [r.pk, events[i]!]));
}

export function toEvent(row: EventRow, reactions?: ReactionSummary[]): ConversationEvent {
  const base = { id: row.id, conversationId: row.conversation_id, seq: row.seq, at: row.at, sender: row.sender };
  const data = row.data === null ? {} : (JSON.parse(row.data) as Record<string, unknown>);
  const content = row.content === null ? null : (JSON.parse(row.content) as Content);
  if (row.type === 'message') {
    const e = { ...base, type: 'message', clientMsgId: data.clientMsgId, content } as MessageEvent;
    if (data.replyTo !== undefined) e.replyTo = data.replyTo as MessageEvent['replyTo'];
    if (data.forwarded !== undefined) e.forwarded = data.forwarded as MessageEvent['forwarded'];
    if (row.edited_at !== null) e.editedAt = row.edited_at;
    if (row.deleted_at !== null) e.deletedAt = row.deleted_at;
    if (reactions !== undefined && reactions.length > 0) e.reactions = reactions;
    return e;
  }
  const e: Record<string, unknown> = { ...base, type: row.type };
  if (row.target !== null) e.messageId = row.target;
  if (row.type === 'edit') e.content = content;
  return { ...e, ...data } as ConversationEvent;
}

/** Per message: each emoji (in the order first used) with its count and its first reactors. */
async function reactionSummaries(c: Conn, messageIds: readonly string[]): Promise<Map<string, ReactionSummary[]>> {
  const rows = await c.rows<{ message_id: string; emoji: string; account_id: string; n: number }>(
    `SELECT message_id, emoji, account_id, n FROM (
       SELECT message_id, emoji, account_id, seq,
         row_number() OVER w AS rn, count(*) OVER p AS n, min(seq) OVER p AS first
       FROM reactions WHERE message_id = ANY($1::text[])
       WINDOW p AS (PARTITION BY message_id, emoji), w AS (PARTITION BY message_id, emoji ORDER BY seq)
     ) r WHERE rn <= ${REACTORS_LISTED} ORDER BY message_id, first, emoji, rn`,
    messageIds,
  );
  const out = new Map<string, ReactionSummary[]>();
  for (const r of rows) {
    let list = out.get(r.message_id);
    if (list === undefined) out.set(r.message_id, (list = []));
    let last = list.at(-1);
    if (last?.emoji !== r.emoji) list.push((last = { emoji: r.emoji, count: r.n, accountIds: [] }));
    last.accountIds.push(r.account_id as ReactionSummary['accountIds'][number]);
  }
  return out;
}

/** The searchable text of a content: text, caption, place, contact name. */
export function searchText(c: Content): string | null {
  switch (c.kind) {
    case 'text':
      return c.text;
    case 'image':
    case 'video':
    case 'audio':
    case 'file':
      return c.caption ?? null;
    case 'location':
      return [c.name, c.address].filter((s) => s !== undefined).join('\n') || null;
    case 'contact':
      return c.name;
    default:
      return null;
  }
}

import type { Content, ConversationEvent, MessageEvent, ReactionSummary } from '@ottr/protocol';

/** An events row as every SQL adapter reads it (numbers as JS numbers, JSON columns as text). */
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
export const REACTORS_LISTED = 50;

/** One reactor of a reaction summary query: rows ordered by message, first use of the emoji, emoji, reaction order. */
export interface ReactorRow {
  message_id: string;
  emoji: string;
  account_id: string;
  n: number;
}

/** Message ids of the rows whose reactions a page shows (live messages). */
export const reactableIds = (rows: readonly EventRow[]): string[] =>
  rows.filter((r) => r.type === 'message' && r.deleted_at === null).map((r) => r.id);

/** Per message: each emoji (in the order first used) with its count and its first reactors. */
export function groupReactions(rows: readonly ReactorRow[]): Map<string, ReactionSummary[]> {
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

/** A protocol event from its row; a message in its current state, with its reactions. */
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

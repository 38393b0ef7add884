import type { ConversationEvent, ReactionSummary } from '@ottr/protocol';
import { EVENT_COLUMNS, groupReactions, reactableIds, REACTORS_LISTED, toEvent, type EventRow, type ReactorRow } from '@ottr/server/storage-kit';
import type { Conn } from './db.js';

/** Protocol events from rows; messages in their current state, with their reactions. */
export async function toEvents(c: Conn, rows: readonly EventRow[]): Promise<ConversationEvent[]> {
  const messageIds = reactableIds(rows);
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

/** Per message: each emoji (in the order first used) with its count and its first reactors. */
async function reactionSummaries(c: Conn, messageIds: readonly string[]): Promise<Map<string, ReactionSummary[]>> {
  const rows = await c.rows<ReactorRow>(
    `SELECT message_id, emoji, account_id, n FROM (
       SELECT message_id, emoji, account_id, seq,
         row_number() OVER w AS rn, count(*) OVER p AS n, min(seq) OVER p AS first
       FROM reactions WHERE message_id = ANY($1::text[])
       WINDOW p AS (PARTITION BY message_id, emoji), w AS (PARTITION BY message_id, emoji ORDER BY seq)
     ) r WHERE rn <= ${REACTORS_LISTED} ORDER BY message_id, first, emoji, rn`,
    messageIds,
  );
  return groupReactions(rows);
}

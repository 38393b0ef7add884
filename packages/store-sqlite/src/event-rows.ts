import type { ConversationEvent, ReactionSummary } from '@ottr/protocol';
import { groupReactions, reactableIds, REACTORS_LISTED, toEvent, type EventRow, type ReactorRow } from '@ottr/server/storage-kit';
import { json, type Db } from './db.js';

/** Protocol events from rows; messages in their current state, with their reactions. */
export function toEvents(db: Db, rows: readonly EventRow[]): ConversationEvent[] {
  const messageIds = reactableIds(rows);
  const reactions = messageIds.length > 0 ? reactionSummaries(db, messageIds) : new Map<string, ReactionSummary[]>();
  return rows.map((r) => toEvent(r, reactions.get(r.id)));
}

/** Per message: each emoji (in the order first used) with its count and its first reactors. */
function reactionSummaries(db: Db, messageIds: readonly string[]): Map<string, ReactionSummary[]> {
  const rows = db.all<ReactorRow>(
    `SELECT message_id, emoji, account_id, n FROM (
       SELECT message_id, emoji, account_id, seq,
         row_number() OVER w AS rn, count(*) OVER p AS n, min(seq) OVER p AS first
       FROM reactions WHERE message_id IN (SELECT value FROM json_each(?))
       WINDOW p AS (PARTITION BY message_id, emoji), w AS (PARTITION BY message_id, emoji ORDER BY seq)
     ) WHERE rn <= ${REACTORS_LISTED} ORDER BY message_id, first, emoji, rn`,
    json(messageIds),
  );
  return groupReactions(rows);
}

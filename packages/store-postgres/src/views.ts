import type { MembershipView } from '@ottr/server';
import { toConversation, toMembership, type ConversationRow, type MembershipRow } from '@ottr/server/storage-kit';
import type { Conn } from './db.js';
import { eventsByPk } from './event-rows.js';

/** A membership joined with its conversation, its unread count and the pk of its last visible event. */
export type ViewRow = ConversationRow & MembershipRow & { unread: number; last_pk: number | null };

/** The last seq the member may see, in SQL (storage-kit's visibleEnd): the conversation's last, or the end of an ended membership. */
const END = "(CASE WHEN m.status = 'active' THEN c.last_seq ELSE coalesce(m.left_seq, 0) END)";

/**
 * `SELECT <VIEW_SELECT> WHERE …` gives ViewRows: one query for a whole page of views instead of
 * two more per row (each is a round trip to the server).
 */
export const VIEW_SELECT = `c.*, m.*, u.unread, l.pk AS last_pk
  FROM memberships m JOIN conversations c ON c.id = m.conversation_id
  CROSS JOIN LATERAL (
    SELECT count(*) AS unread FROM events e
    WHERE e.conversation_id = m.conversation_id AND e.seq > greatest(m.read_seq, m.joined_seq - 1) AND e.seq <= ${END}
      AND e.type = 'message' AND e.deleted_at IS NULL AND e.sender IS DISTINCT FROM m.account_id
  ) u
  LEFT JOIN LATERAL (
    SELECT e.pk FROM events e WHERE e.conversation_id = m.conversation_id AND e.seq = ${END} AND ${END} >= m.joined_seq
  ) l ON true`;

/** Views of rows from VIEW_SELECT, their last events loaded in one query. */
export async function toViews(c: Conn, rows: readonly ViewRow[]): Promise<MembershipView[]> {
  const last = await eventsByPk(c, rows.flatMap((r) => (r.last_pk === null ? [] : [r.last_pk])));
  return rows.map((r) => ({
    conversation: toConversation(r),
    membership: toMembership(r),
    unreadCount: r.unread,
    lastEvent: r.last_pk === null ? null : (last.get(r.last_pk) ?? null),
  }));
}

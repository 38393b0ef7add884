import type { MembershipRecord, MembershipView } from '@ottr/server';
import {
  EVENT_COLUMNS,
  toConversation,
  toMembership as kitToMembership,
  visibleEnd,
  type ConversationRow,
  type EventRow,
  type MembershipRow as KitMembershipRow,
} from '@ottr/server/storage-kit';
import type { Db } from './db.js';
import { toEvents } from './event-rows.js';

/** A memberships row as SQLite gives it: flags as 0/1. */
export type MembershipRow = Omit<KitMembershipRow, 'archived' | 'pinned'> & { archived: number; pinned: number };

export const toMembership = (r: MembershipRow): MembershipRecord => kitToMembership({ ...r, archived: r.archived === 1, pinned: r.pinned === 1 });

/** A membership joined with its conversation (the two tables share no column name). */
export type ViewRow = ConversationRow & MembershipRow;

export const VIEW_FROM = 'memberships m JOIN conversations c ON c.id = m.conversation_id';

/** Conversation, membership, unread count and last visible event. */
export function toView(db: Db, r: ViewRow): MembershipView {
  const end = visibleEnd(r);
  const unreadCount =
    db.value<number>(
      `SELECT count(*) FROM events WHERE conversation_id = ? AND seq > ? AND seq <= ?
         AND type = 'message' AND deleted_at IS NULL AND sender IS NOT ?`,
      r.id, Math.max(r.read_seq, r.joined_seq - 1), end, r.account_id,
    ) ?? 0;
  const last = end >= r.joined_seq ? db.get<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE conversation_id = ? AND seq = ?`, r.id, end) : undefined;
  return {
    conversation: toConversation(r),
    membership: toMembership(r),
    unreadCount,
    lastEvent: last === undefined ? null : toEvents(db, [last])[0]!,
  };
}

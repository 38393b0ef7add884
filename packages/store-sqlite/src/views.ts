import type { AccountId, ConversationId, ConversationKind, Role } from '@ottr/protocol';
import type { ConversationRecord, MembershipRecord, MembershipStatus, MembershipView } from '@ottr/server';
import type { Db } from './db.js';
import { EVENT_COLUMNS, type EventRow } from '@ottr/server/storage-kit';
import { toEvents } from './event-rows.js';

export interface ConversationRow {
  id: string;
  kind: ConversationKind;
  title: string | null;
  description: string | null;
  direct_a: string | null;
  direct_b: string | null;
  created_at: number;
  last_seq: number;
  last_event_at: number;
  member_count: number;
}

export interface MembershipRow {
  conversation_id: string;
  account_id: string;
  role: Role;
  status: MembershipStatus;
  join_seq: number;
  joined_seq: number;
  left_seq: number | null;
  read_seq: number;
  delivered_seq: number;
  mute_until: number | null;
  archived: number;
  pinned: number;
  version: number;
  receipt_version: number;
}

/** A membership joined with its conversation (the two tables share no column name). */
export type ViewRow = ConversationRow & MembershipRow;

export const VIEW_FROM = 'memberships m JOIN conversations c ON c.id = m.conversation_id';

export function toConversation(r: ConversationRow): ConversationRecord {
  return {
    id: r.id as ConversationId,
    kind: r.kind,
    title: r.title,
    description: r.description,
    participants: r.direct_a === null || r.direct_b === null ? [] : [r.direct_a as AccountId, r.direct_b as AccountId],
    createdAt: r.created_at,
    lastSeq: r.last_seq,
    lastEventAt: r.last_event_at,
    memberCount: r.member_count,
  };
}

export function toMembership(r: MembershipRow): MembershipRecord {
  return {
    conversationId: r.conversation_id as ConversationId,
    accountId: r.account_id as AccountId,
    role: r.role,
    status: r.status,
    joinedSeq: r.joined_seq,
    readSeq: r.read_seq,
    deliveredSeq: r.delivered_seq,
    muteUntil: r.mute_until,
    archived: r.archived === 1,
    pinned: r.pinned === 1,
  };
}

/** The last seq the member may see: the conversation's last, or the end of an ended membership. */
export function visibleEnd(r: ViewRow): number {
  return r.status === 'active' ? r.last_seq : (r.left_seq ?? 0);
}

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

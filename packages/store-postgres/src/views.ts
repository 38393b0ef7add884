import type { AccountId, ConversationId, ConversationKind, Role } from '@ottr/protocol';
import type { ConversationRecord, MembershipRecord, MembershipStatus, MembershipView } from '@ottr/server';
import type { Conn } from './db.js';
import { eventsByPk } from './event-rows.js';

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
  archived: boolean;
  pinned: boolean;
  version: number;
  receipt_version: number;
}

/** A membership joined with its conversation, its unread count and the pk of its last visible event. */
export type ViewRow = ConversationRow & MembershipRow & { unread: number; last_pk: number | null };

/** The last seq the member may see: the conversation's last, or the end of an ended membership. */
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
    archived: r.archived,
    pinned: r.pinned,
  };
}

/** The last seq the member may see (see END). */
export function visibleEnd(r: ViewRow): number {
  return r.status === 'active' ? r.last_seq : (r.left_seq ?? 0);
}

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

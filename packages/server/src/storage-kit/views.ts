import type { AccountId, ConversationId, ConversationKind, Role } from '@ottr/protocol';
import type { ConversationRecord, MembershipRecord, MembershipStatus } from '../ports/index.js';

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

/** A memberships row, normalised: flags as booleans (an adapter whose driver gives 0/1 converts first). */
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

/** The last seq the member may see: the conversation's last, or the end of an ended membership. */
export function visibleEnd(r: Pick<ConversationRow, 'last_seq'> & Pick<MembershipRow, 'status' | 'left_seq'>): number {
  return r.status === 'active' ? r.last_seq : (r.left_seq ?? 0);
}

/**
 * A membership's pointers after a `delivered` or `read` up to `seq` (capped at the conversation's
 * `lastSeq`): they only move forward, and reading delivers too. `moved`: anything changed.
 */
export function movePointers(m: MembershipRecord, lastSeq: number, kind: 'delivered' | 'read', seq: number): { after: MembershipRecord; moved: boolean } {
  const target = Math.min(seq, lastSeq);
  const readSeq = kind === 'read' ? Math.max(m.readSeq, target) : m.readSeq;
  const deliveredSeq = Math.max(m.deliveredSeq, kind === 'read' ? readSeq : target);
  return { after: { ...m, readSeq, deliveredSeq }, moved: readSeq !== m.readSeq || deliveredSeq !== m.deliveredSeq };
}

import type { Conversation, ConversationListItem, Membership } from '@ottr/protocol';
import type { ConversationRecord, MembershipRecord, MembershipView } from '../../ports/index.js';

export function toConversation(r: ConversationRecord): Conversation {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    description: r.description,
    participants: r.participants,
    createdAt: r.createdAt,
    lastSeq: r.lastSeq,
    lastEventAt: r.lastEventAt,
    memberCount: r.memberCount,
  };
}

export function toMembership(r: MembershipRecord): Membership {
  return {
    conversationId: r.conversationId,
    accountId: r.accountId,
    role: r.role,
    status: r.status,
    joinedSeq: r.joinedSeq,
    readSeq: r.readSeq,
    deliveredSeq: r.deliveredSeq,
    muteUntil: r.muteUntil,
    archived: r.archived,
    pinned: r.pinned,
  };
}

export function toListItem(v: MembershipView): ConversationListItem {
  return {
    conversation: toConversation(v.conversation),
    membership: toMembership(v.membership),
    unreadCount: v.unreadCount,
    lastEvent: v.lastEvent,
  };
}

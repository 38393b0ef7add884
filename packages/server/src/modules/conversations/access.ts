import type { AccountId, ConversationId, Role } from '@ottr/protocol';
import { AppError } from '../../errors/index.js';
import type { ConversationRecord, MembershipRecord, Store } from '../../ports/index.js';

export interface MemberAccess {
  conversation: ConversationRecord;
  membership: MembershipRecord;
}

const RANK: Record<Role, number> = { member: 0, admin: 1, owner: 2 };

export function hasRole(membership: MembershipRecord, atLeast: Role): boolean {
  return RANK[membership.role] >= RANK[atLeast];
}

/**
 * The membership check every read and write of a conversation goes through: unknown
 * conversation → not_found; not an active member → not_member (a non-member learns nothing
 * more than that the id exists, which it had to know already).
 */
export async function requireMember(store: Store, conversationId: ConversationId, accountId: AccountId): Promise<MemberAccess> {
  const found = await store.conversations.access(conversationId, accountId);
  if (!found) throw new AppError('not_found', 'No such conversation');
  const { conversation, membership } = found;
  if (!membership || membership.status !== 'active') throw new AppError('not_member');
  return { conversation, membership };
}

export function requireRole(access: MemberAccess, atLeast: Role, what: string): void {
  if (!hasRole(access.membership, atLeast)) throw new AppError('insufficient_role', `Only ${atLeast === 'owner' ? 'the owner' : 'admins'} can ${what}`);
}

import type { ConversationStore } from '../ports/store.js';
import { isInt, isObj, isStr } from './cursor.js';

/** listForAccount position: pinned (0/1), last event time, conversation id of the last item. */
export interface ConversationListCursor {
  p: number;
  t: number;
  id: string;
}
export const isConversationListCursor = (c: unknown): c is ConversationListCursor => isObj(c) && isInt(c.p) && isInt(c.t) && isStr(c.id);

/** listMembers position: join seq and account id of the last member listed. */
export interface MembersCursor {
  j: number;
  a: string;
}
export const isMembersCursor = (c: unknown): c is MembersCursor => isObj(c) && isInt(c.j) && isStr(c.a);

/** The part of ConversationStore an adapter's memberships.ts implements. */
export type MembershipOps = Pick<
  ConversationStore,
  'getMembership' | 'listMembers' | 'activeMemberIds' | 'addMembers' | 'removeMember' | 'setRole' | 'updateMembership' | 'moveReceipt' | 'receiptsAt'
>;

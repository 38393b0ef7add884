import type { ConversationEvent, Role, SystemEvent } from '@ottr/protocol';
import { json } from './db.js';
import type { Tx } from './writer.js';

type Fields<T extends SystemEvent['type']> = Omit<Extract<SystemEvent, { type: T }>, 'id' | 'conversationId' | 'seq' | 'at' | 'sender' | 'type'>;

/** Appends a system event (conversation_created, member_*, role/title/description changes). */
export async function appendSystemEvent<T extends SystemEvent['type']>(
  tx: Tx,
  head: { id: string; conversationId: string; sender: string; at: number },
  type: T,
  fields: Fields<T>,
): Promise<ConversationEvent> {
  const { seq } = await tx.appendEvent({ ...head, type, data: json(fields) });
  return { ...head, seq, type, ...fields } as unknown as ConversationEvent;
}

/**
 * Makes the account an active member (inserted, or a former member re-activated) that joined
 * with the event at `joinSeq` and sees events from `joinedSeq` on. Its version is stamped at
 * the commit (it is an active member of a conversation appended to).
 */
export async function activateMember(tx: Tx, conversationId: string, accountId: string, role: Role, joinSeq: number, joinedSeq: number): Promise<void> {
  await tx.c.run(
    `INSERT INTO memberships (conversation_id, account_id, role, status, join_seq, joined_seq, version) VALUES ($1, $2, $3, 'active', $4, $5, 0)
     ON CONFLICT (conversation_id, account_id) DO UPDATE SET role = excluded.role, status = 'active',
       join_seq = excluded.join_seq, joined_seq = excluded.joined_seq, left_seq = NULL`,
    conversationId, accountId, role, joinSeq, joinedSeq,
  );
  await tx.c.run('UPDATE conversations SET member_count = member_count + 1 WHERE id = $1', conversationId);
}

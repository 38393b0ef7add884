import type { ConversationEvent, Role, SystemEvent } from '@ottr/protocol';
import { json, type Db } from './db.js';
import type { Tx } from './writer.js';

type Fields<T extends SystemEvent['type']> = Omit<Extract<SystemEvent, { type: T }>, 'id' | 'conversationId' | 'seq' | 'at' | 'sender' | 'type'>;

/** Appends a system event (conversation_created, member_*, role/title/description changes). */
export function appendSystemEvent<T extends SystemEvent['type']>(
  tx: Tx,
  head: { id: string; conversationId: string; sender: string; at: number },
  type: T,
  fields: Fields<T>,
): ConversationEvent {
  const { seq } = tx.appendEvent({ ...head, type, data: json(fields) });
  return { ...head, seq, type, ...fields } as unknown as ConversationEvent;
}

/**
 * Makes the account an active member (inserted, or a former member re-activated) that joined
 * with the event at `joinSeq` and sees events from `joinedSeq` on.
 */
export function activateMember(db: Db, tx: Tx, conversationId: string, accountId: string, role: Role, joinSeq: number, joinedSeq: number): void {
  db.run(
    `INSERT INTO memberships (conversation_id, account_id, role, status, join_seq, joined_seq, version) VALUES (?, ?, ?, 'active', ?, ?, ?)
     ON CONFLICT (conversation_id, account_id) DO UPDATE SET role = excluded.role, status = 'active',
       join_seq = excluded.join_seq, joined_seq = excluded.joined_seq, left_seq = NULL, version = excluded.version`,
    conversationId, accountId, role, joinSeq, joinedSeq, tx.version,
  );
  db.run('UPDATE conversations SET member_count = member_count + 1 WHERE id = ?', conversationId);
}

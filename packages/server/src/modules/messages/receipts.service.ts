import type { AccountId, ConversationId, DeviceId } from '@ottr/protocol';
import { AppError } from '../../errors/index.js';
import type { Store } from '../../ports/index.js';
import type { Delivery } from '../delivery/index.js';
import { requireMember } from '../conversations/index.js';

export interface ReceiptsDeps {
  store: Store;
  delivery: Delivery;
  /** After the read pointer of `accountId` moved, by device `deviceId` (push clears the notification elsewhere). */
  onRead?: (accountId: AccountId, conversationId: ConversationId, readSeq: number, deviceId: DeviceId) => Promise<void>;
}

/** The device that moved a pointer, and (over WebSocket) its connection, which is not echoed to. */
export interface ReceiptSource {
  deviceId: DeviceId;
  connectionId?: string;
}

/**
 * Delivered and read pointers. A device's `delivered` moves its account's delivered pointer, a
 * `read` moves the read pointer (and delivered with it). Pointers only move forward; an older
 * seq is accepted and changes nothing (devices race). The authors of the messages the pointer
 * passed get a `receipt` frame (direct: the peer; groups: each author in the range), and so do
 * the reader's other devices.
 */
export class ReceiptsService {
  constructor(private readonly deps: ReceiptsDeps) {}

  async mark(me: AccountId, conversationId: ConversationId, kind: 'read' | 'delivered', seq: number, source: ReceiptSource): Promise<void> {
    const { store, delivery } = this.deps;
    const { conversation, membership } = await requireMember(store, conversationId, me);
    if (seq > conversation.lastSeq) throw new AppError('bad_request', `seq ${seq} is beyond the last event (${conversation.lastSeq})`);
    const from = kind === 'read' ? membership.readSeq : membership.deliveredSeq;
    if (seq <= from) return;
    const authors = await store.events.sendersBetween(conversationId, from, seq, me);
    const { after, moved } = await store.conversations.moveReceipt(conversationId, me, kind, seq, authors);
    if (!moved) return;
    const frame = { type: 'receipt' as const, conversationId, accountId: me, readSeq: after.readSeq, deliveredSeq: after.deliveredSeq };
    delivery.toAccounts(authors, frame);
    delivery.toAccounts([me], frame, source.connectionId);
    if (kind === 'read') await this.deps.onRead?.(me, conversationId, after.readSeq, source.deviceId);
  }
}

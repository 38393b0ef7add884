import type {
  AccountId,
  ConversationEvent,
  ConversationListItem,
  Member,
  Membership,
  ReceiptState,
} from '@ottr/protocol';
import type { ClientEvents, EventSource } from './events.js';
import {
  applyReaction,
  clone,
  fromEvent,
  laterStatus,
  peerPointers,
  statusAt,
  upsertBySeq,
  type ConversationRecord,
  type LocalMessage,
} from './model.js';
import type { OutboxItem } from './outbox.js';

type Notice = { [K in keyof ClientEvents]: [K, ClientEvents[K]] }[keyof ClientEvents];

/** What a transaction needs from its surroundings. */
export interface TxContext {
  me: AccountId;
  /** The outbox item of this device with this clientMsgId, if any (not removed). */
  outboxItem(clientMsgId: string): OutboxItem | undefined;
  messagesPerConversation: number;
}

/**
 * One atomic change of one conversation's cached state. Works on copies (copy-on-write for
 * messages): the client persists `record` and `messages`, and only then swaps them in and emits
 * the notices — so a store that fails leaves memory as it was, and nothing is announced that
 * was not saved.
 */
export class Tx {
  readonly record: ConversationRecord;
  readonly messages: LocalMessage[];
  readonly notices: Notice[] = [];
  /** clientMsgIds of this device's outbox items that the timeline now holds. */
  readonly claimed: string[] = [];
  listChanged = false;
  /** Messages of others were applied: a `delivered` is due. */
  receivedFromOthers = false;
  /** The unread count could not be recounted from the cache: fetch the conversation. */
  needsView = false;
  private readonly index = new Map<string, number>();

  constructor(
    private readonly ctx: TxContext,
    record: ConversationRecord,
    messages: readonly LocalMessage[],
  ) {
    this.record = clone(record);
    this.messages = [...messages];
    this.reindex();
  }

  private get me(): AccountId {
    return this.ctx.me;
  }

  private reindex(): void {
    this.index.clear();
    this.messages.forEach((m, i) => {
      if (m.id) this.index.set(m.id, i);
    });
  }

  /** Replaces the message with `id` by `change(copy)`; returns the new message or null when not cached. */
  private update(id: string, change: (m: LocalMessage) => void): LocalMessage | null {
    const i = this.index.get(id);
    if (i === undefined) return null;
    const copy = clone(this.messages[i]!);
    change(copy);
    this.messages[i] = copy;
    return copy;
  }

  private emit<K extends keyof ClientEvents>(name: K, payload: ClientEvents[K]): void {
    this.notices.push([name, payload] as Notice);
  }

  /** Applies one event; the caller guarantees seq === appliedSeq + 1. */
  applyEvent(event: ConversationEvent, source: EventSource): void {
    const rec = this.record;
    const item = rec.item;
    const fresh = event.seq > item.conversation.lastSeq;
    if (fresh) {
      item.conversation.lastSeq = event.seq;
      item.conversation.lastEventAt = Math.max(item.conversation.lastEventAt, event.at);
      item.lastEvent = event;
      this.listChanged = true;
    }
    rec.appliedSeq = event.seq;
    this.emit('event', { event, source });
    const cid = event.conversationId;
    switch (event.type) {
      case 'message': {
        const mine = event.sender === this.me;
        const local = mine ? this.ctx.outboxItem(event.clientMsgId) : undefined;
        const message = fromEvent(event, this.me, mine ? statusAt(event.seq, peerPointers(rec, this.me)) : null);
        upsertBySeq(this.messages, message);
        this.reindex();
        if (!mine) {
          this.receivedFromOthers = true;
          if (fresh && event.seq > item.membership.readSeq && event.deletedAt === undefined) item.unreadCount++;
        }
        if (local) {
          this.claimed.push(event.clientMsgId);
          const previous = local.status === 'failed' ? 'pending' : local.status;
          if (message.status !== previous) this.emit('status', { conversationId: cid, clientMsgId: event.clientMsgId, status: message.status!, previous, message });
        } else {
          this.emit('message', { conversationId: cid, message, event });
        }
        return;
      }
      case 'edit': {
        const message = this.update(event.messageId, (m) => {
          if (m.deletedAt !== undefined) return;
          m.content = event.content;
          m.editedAt = event.at;
        });
        this.emit('edit', { conversationId: cid, messageId: event.messageId, message, event });
        return;
      }
      case 'delete': {
        let wasUnread = false;
        const message = this.update(event.messageId, (m) => {
          if (m.deletedAt === undefined && m.sender !== this.me && (m.seq ?? 0) > item.membership.readSeq) wasUnread = true;
          m.deletedAt = event.at;
          m.content = null;
          m.reactions = [];
        });
        if (fresh && wasUnread) item.unreadCount = Math.max(0, item.unreadCount - 1);
        this.emit('delete', { conversationId: cid, messageId: event.messageId, message, event });
        return;
      }
      case 'reaction': {
        const message = this.update(event.messageId, (m) => {
          if (m.deletedAt === undefined && event.sender) m.reactions = applyReaction(m.reactions, event.emoji, event.sender, event.action);
        });
        this.emit('reaction', { conversationId: cid, messageId: event.messageId, message, event });
        return;
      }
      case 'member_added':
      case 'member_joined':
      case 'member_left':
      case 'member_removed':
      case 'role_changed':
        this.applyMemberEvent(event, fresh);
        return;
      case 'title_changed':
        if (fresh) item.conversation.title = event.title;
        this.emit('system', { conversationId: cid, event });
        return;
      case 'description_changed':
        if (fresh) item.conversation.description = event.description;
        this.emit('system', { conversationId: cid, event });
        return;
      default:
        this.emit('system', { conversationId: cid, event });
    }
  }

  private applyMemberEvent(event: Extract<ConversationEvent, { accountId: AccountId }>, fresh: boolean): void {
    const rec = this.record;
    const item = rec.item;
    const own = event.accountId === this.me;
    const joins = event.type === 'member_added' || event.type === 'member_joined';
    const leaves = event.type === 'member_left' || event.type === 'member_removed';
    if (fresh && joins) item.conversation.memberCount++;
    if (fresh && leaves) item.conversation.memberCount = Math.max(0, item.conversation.memberCount - 1);
    if (rec.members) {
      const i = rec.members.findIndex((m) => m.accountId === event.accountId);
      if (leaves && i >= 0) rec.members.splice(i, 1);
      if (joins && i < 0) rec.members.push({ accountId: event.accountId, role: (event as { role: Membership['role'] }).role, joinedSeq: event.seq, readSeq: 0, deliveredSeq: 0 });
      if (event.type === 'role_changed' && i >= 0) rec.members[i]!.role = event.role;
    }
    if (leaves) delete rec.receipts[event.accountId];
    if (own && fresh) {
      if (joins) item.membership.status = 'active';
      if (event.type === 'member_left') item.membership.status = 'left';
      if (event.type === 'member_removed') item.membership.status = 'removed';
      if ('role' in event) item.membership.role = event.role;
    }
    if (own) this.listChanged = true;
    const change = event.type === 'member_added' ? 'added' : event.type === 'member_joined' ? 'joined' : event.type === 'member_left' ? 'left' : event.type === 'member_removed' ? 'removed' : 'role';
    this.emit('membership', {
      conversationId: event.conversationId,
      accountId: event.accountId,
      change,
      own,
      ...('role' in event ? { role: event.role } : {}),
      event,
      item: clone(item),
    });
  }

  /** Another member's (or your own other device's) receipt pointers moved. */
  applyReceipt(r: ReceiptState): void {
    const rec = this.record;
    const cid = rec.item.conversation.id;
    if (r.accountId === this.me) {
      const m = rec.item.membership;
      const moved = r.readSeq > m.readSeq || r.deliveredSeq > m.deliveredSeq;
      m.deliveredSeq = Math.max(m.deliveredSeq, r.deliveredSeq, r.readSeq);
      if (r.readSeq > m.readSeq) {
        m.readSeq = r.readSeq;
        this.recountUnread();
      }
      if (moved) {
        this.listChanged = true;
        this.emit('receipt', { conversationId: cid, ...r, own: true });
      }
      return;
    }
    const before = rec.receipts[r.accountId];
    const next = {
      accountId: r.accountId,
      readSeq: Math.max(before?.readSeq ?? 0, r.readSeq),
      deliveredSeq: Math.max(before?.deliveredSeq ?? 0, r.deliveredSeq, r.readSeq),
    };
    if (before && before.readSeq === next.readSeq && before.deliveredSeq === next.deliveredSeq) return;
    rec.receipts[r.accountId] = next;
    const member = rec.members?.find((m) => m.accountId === r.accountId);
    if (member) {
      member.readSeq = Math.max(member.readSeq, next.readSeq);
      member.deliveredSeq = Math.max(member.deliveredSeq, next.deliveredSeq);
    }
    this.emit('receipt', { conversationId: cid, ...next, own: false });
    this.restatus();
  }

  /** Recomputes the status of your own cached messages from the pointers; announces changes. */
  restatus(): void {
    const pointers = peerPointers(this.record, this.me);
    for (let i = 0; i < this.messages.length; i++) {
      const m = this.messages[i]!;
      if (m.sender !== this.me || m.seq === null || m.status === 'read') continue;
      const status = laterStatus(m.status, statusAt(m.seq, pointers));
      if (status === m.status) continue;
      const copy = { ...m, status };
      this.messages[i] = copy;
      this.emit('status', { conversationId: m.conversationId, clientMsgId: m.clientMsgId, status, previous: m.status, message: copy });
    }
  }

  /** Your read pointer moved: unread = other people's undeleted messages above it. */
  recountUnread(): void {
    const item = this.record.item;
    const readSeq = item.membership.readSeq;
    if (readSeq >= item.conversation.lastSeq) {
      item.unreadCount = 0;
      return;
    }
    if (this.record.coveredFrom > readSeq + 1 || this.record.appliedSeq < item.conversation.lastSeq) {
      this.needsView = true;
      return;
    }
    item.unreadCount = this.messages.filter((m) => m.seq !== null && m.seq > readSeq && m.sender !== this.me && m.deletedAt === undefined).length;
  }

  /** Your own membership changed (a `membership` frame): settings, role, status. */
  applyMembership(membership: Membership): void {
    const m = this.record.item.membership;
    const before = JSON.stringify(m);
    const next: Membership = {
      ...membership,
      readSeq: Math.max(m.readSeq, membership.readSeq),
      deliveredSeq: Math.max(m.deliveredSeq, membership.deliveredSeq),
    };
    this.record.item.membership = next;
    if (next.readSeq > m.readSeq) this.recountUnread();
    if (JSON.stringify(next) === before) return;
    this.listChanged = true;
    this.emit('membership', {
      conversationId: membership.conversationId,
      accountId: this.me,
      change: 'settings',
      own: true,
      role: next.role,
      item: clone(this.record.item),
    });
  }

  /**
   * Takes the server's view of the conversation (a sync entry, a REST answer) where it is not
   * older than what the cache has seen; pointers only move forward either way.
   */
  mergeView(view: Pick<ConversationListItem, 'conversation' | 'membership' | 'unreadCount'> & { lastEvent?: ConversationListItem['lastEvent'] }): void {
    const item = this.record.item;
    const current = view.conversation.lastSeq >= item.conversation.lastSeq;
    if (current) {
      item.conversation = clone(view.conversation);
      item.unreadCount = view.unreadCount;
      if (view.lastEvent !== undefined && view.lastEvent !== null) item.lastEvent = clone(view.lastEvent);
    }
    const m = item.membership;
    item.membership = {
      ...clone(view.membership),
      readSeq: Math.max(m.readSeq, view.membership.readSeq),
      deliveredSeq: Math.max(m.deliveredSeq, view.membership.deliveredSeq),
    };
    if (!current && item.membership.readSeq > m.readSeq) this.recountUnread();
    this.listChanged = true;
  }

  /** The members of the conversation, as just fetched. */
  setMembers(members: Member[]): void {
    this.record.members = clone(members);
    for (const m of members) {
      if (m.accountId === this.me) continue;
      this.applyReceipt({ accountId: m.accountId, readSeq: m.readSeq, deliveredSeq: m.deliveredSeq });
    }
  }

  /** Older messages loaded by history paging, in their current state (no notices). */
  addHistory(messages: LocalMessage[], coveredFrom: number | null): void {
    for (const m of messages) {
      const i = m.id ? this.index.get(m.id) : undefined;
      if (i !== undefined) continue;
      upsertBySeq(this.messages, m);
    }
    this.reindex();
    if (coveredFrom !== null) this.record.coveredFrom = Math.min(this.record.coveredFrom, coveredFrom);
    this.restatus();
  }

  /** Keeps the newest messages within the cap. */
  trim(): void {
    const cap = this.ctx.messagesPerConversation;
    if (this.messages.length <= cap) return;
    this.messages.splice(0, this.messages.length - cap);
    this.record.coveredFrom = Math.max(this.record.coveredFrom, this.messages[0]?.seq ?? 0);
    this.reindex();
  }
}

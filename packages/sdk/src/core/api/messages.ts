import type {
  Content,
  ConversationEvent,
  ConversationId,
  EditEvent,
  EditRecord,
  MessageId,
  ReactionEvent,
  ReceiptsSummary,
  DeleteEvent,
} from '@ottr/protocol';
import type { ClientCore } from '../client.js';
import { OttrError } from '../errors.js';
import type { LocalMessage } from '../model.js';
import { outboxMessage, type OutboxItem } from '../outbox.js';

/** Options of `send`. */
export interface SendOptions {
  /** Reply to this message (of the same conversation). */
  replyTo?: MessageId;
  /** Your own id for the message (≤ 64 characters, unique on this device). Default: generated. */
  clientMsgId?: string;
}

/** A page of older history. */
export interface HistoryPage {
  /** The messages of the page, oldest first, in their current state. */
  messages: LocalMessage[];
  /** Every event of the page (messages and the rest), oldest first. */
  events: ConversationEvent[];
  /** Pass as `before` for the page before this one; null at the start of what you may see. */
  before: number | null;
}

/** A search hit. */
export interface SearchHit {
  /** The matching message. */
  event: ConversationEvent;
  /** The text around the match. */
  snippet: string;
}

function asContent(content: Content | string): Content {
  return typeof content === 'string' ? { kind: 'text', text: content } : content;
}

/**
 * Messages. `send` works offline: it returns at once a `pending` message that is kept in the
 * store and goes out, in order, when the connection is live. Edits, deletes and reactions need the
 * server (they throw when it cannot be reached).
 */
export class MessagesApi {
  constructor(private readonly core: ClientCore) {}

  /**
   * Writes a message. Returns at once with status `pending`; `status` events follow (`sent`,
   * `delivered`, `read`, or `failed`). A string is sent as text.
   */
  send(conversationId: ConversationId, content: Content | string, opts: SendOptions = {}): LocalMessage {
    return this.#enqueue({ conversationId, content: asContent(content), ...(opts.replyTo ? { replyTo: opts.replyTo } : {}) }, opts.clientMsgId);
  }

  /** Replies to a message (in its conversation). */
  reply(to: { conversationId: ConversationId; id: MessageId | null }, content: Content | string, opts: Omit<SendOptions, 'replyTo'> = {}): LocalMessage {
    if (!to.id) throw new OttrError('bad_request', 'Only a sent message can be replied to');
    return this.send(to.conversationId, content, { ...opts, replyTo: to.id });
  }

  /** Forwards a message you can read to another conversation (the server copies its content). */
  forward(messageId: MessageId, toConversationId: ConversationId, opts: Pick<SendOptions, 'clientMsgId'> = {}): LocalMessage {
    const original = this.#findCached(messageId);
    return this.#enqueue({ conversationId: toConversationId, content: original?.content ?? null, forwardOf: messageId }, opts.clientMsgId);
  }

  /** Sends a failed message again (same clientMsgId). */
  retry(clientMsgId: string): LocalMessage {
    const item = this.core.outbox.retry(clientMsgId);
    this.core.outbox.flush(this.core.conn);
    return outboxMessage(item);
  }

  /** Gives up a pending or failed message. */
  discard(clientMsgId: string): void {
    this.core.outbox.discard(clientMsgId);
  }

  /** Messages written on this device that the server has not confirmed yet (pending, failed), oldest first. */
  pending(): LocalMessage[] {
    return this.core.outbox.all().filter((i) => i.status !== 'sent').map(outboxMessage);
  }

  /**
   * The cached messages of a conversation, oldest first: what the server has (in seq order),
   * then what this device still has to send.
   */
  list(conversationId: ConversationId): LocalMessage[] {
    const sent = this.core.timeline.messagesOf(conversationId);
    const have = new Set(sent.map((m) => m.clientMsgId));
    const mine = this.core.outbox
      .all()
      .filter((i) => i.conversationId === conversationId && !have.has(i.clientMsgId))
      .map(outboxMessage);
    const acked = mine.filter((m) => m.seq !== null);
    const waiting = mine.filter((m) => m.seq === null);
    const ordered = [...sent, ...acked].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    return [...ordered, ...waiting];
  }

  /** Changes the content of your message. */
  async edit(messageId: MessageId, content: Content | string): Promise<EditEvent> {
    const c = asContent(content);
    const event = this.core.live()
      ? (await this.core.conn.request({ type: 'edit', messageId, content: c })).event
      : (await this.core.rest.request('editMessage', { params: { messageId }, body: { content: c } })).event;
    return (await this.#applied(event)) as EditEvent;
  }

  /** Deletes a message for everyone (yours; admins: any in groups and channels). */
  async delete(messageId: MessageId): Promise<DeleteEvent> {
    const event = this.core.live()
      ? (await this.core.conn.request({ type: 'delete', messageId })).event
      : (await this.core.rest.request('deleteMessage', { params: { messageId } })).event;
    return (await this.#applied(event)) as DeleteEvent;
  }

  /** Adds your reaction (one per emoji; repeating returns the first). */
  async react(messageId: MessageId, emoji: string): Promise<ReactionEvent> {
    const event = this.core.live()
      ? (await this.core.conn.request({ type: 'react', messageId, emoji })).event
      : (await this.core.rest.request('addReaction', { params: { messageId, emoji } })).event;
    return (await this.#applied(event)) as ReactionEvent;
  }

  /** Takes your reaction back. */
  async unreact(messageId: MessageId, emoji: string): Promise<ReactionEvent> {
    const event = this.core.live()
      ? (await this.core.conn.request({ type: 'react', messageId, emoji, remove: true })).event
      : (await this.core.rest.request('removeReaction', { params: { messageId, emoji } })).event;
    return (await this.#applied(event)) as ReactionEvent;
  }

  /**
   * Older messages: the page before `before` (a seq; default: the latest). Cached too (within
   * the cache's size), without `message` events.
   */
  async history(conversationId: ConversationId, opts: { before?: number; limit?: number } = {}): Promise<HistoryPage> {
    const page = await this.core.rest.request('listEvents', {
      params: { conversationId },
      query: { ...(opts.before !== undefined ? { before: opts.before } : {}), ...(opts.limit !== undefined ? { limit: opts.limit } : {}) },
    });
    const messages = await this.core.timeline.addHistory(conversationId, page.events, page.before === null);
    return { messages, events: page.events, before: page.before };
  }

  /**
   * Marks the conversation read up to `seq` (default: the latest cached event): clears its unread
   * count here at once and on your other devices; the authors get read receipts.
   */
  async markRead(conversationId: ConversationId, seq?: number): Promise<void> {
    await this.core.loaded;
    const rec = this.core.timeline.record(conversationId);
    const upTo = seq ?? Math.max(rec?.appliedSeq ?? 0, rec?.item.conversation.lastSeq ?? 0);
    if (upTo < 1) return;
    await this.core.timeline.markRead(conversationId, upTo);
    await this.core.sendRead(conversationId, upTo);
  }

  /** For your own message: how many received and read it, and who (groups: up to 100). */
  receipts(messageId: MessageId): Promise<ReceiptsSummary> {
    return this.core.rest.request('getReceipts', { params: { messageId } });
  }

  /** Every version of a message, oldest first. */
  async edits(messageId: MessageId): Promise<EditRecord[]> {
    return (await this.core.rest.request('listEdits', { params: { messageId } })).items;
  }

  /** Full-text search in your conversations (or one), newest first. */
  async search(q: string, opts: { conversationId?: ConversationId; cursor?: string; limit?: number } = {}): Promise<{ items: SearchHit[]; next: string | null }> {
    return this.core.rest.request('search', { query: { q, ...opts } });
  }

  #enqueue(fields: Pick<OutboxItem, 'conversationId' | 'content'> & Partial<Pick<OutboxItem, 'replyTo' | 'forwardOf'>>, clientMsgId?: string): LocalMessage {
    const item: OutboxItem = {
      ...fields,
      clientMsgId: clientMsgId ?? this.core.newClientMsgId(),
      sender: this.core.me(),
      createdAt: this.core.platform.now(),
      status: 'pending',
    };
    if (this.core.outbox.get(item.clientMsgId)) throw new OttrError('conflict', `clientMsgId ${item.clientMsgId} is already in the outbox`);
    this.core.typing.sent(item.conversationId);
    this.core.outbox.add(item);
    const message = outboxMessage(item);
    this.core.emit('status', { conversationId: item.conversationId, clientMsgId: item.clientMsgId, status: 'pending', previous: null, message });
    this.core.outbox.flush(this.core.conn);
    return message;
  }

  #findCached(messageId: MessageId): LocalMessage | undefined {
    for (const rec of this.core.timeline.allRecords()) {
      const m = this.core.timeline.messagesOf(rec.item.conversation.id).find((x) => x.id === messageId);
      if (m) return m;
    }
    return undefined;
  }

  async #applied(event: ConversationEvent): Promise<ConversationEvent> {
    await this.core.timeline.ingest(event.conversationId, [event], 'send');
    return event;
  }
}

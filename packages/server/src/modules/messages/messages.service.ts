import type {
  AccountId,
  ConversationEvent,
  ConversationId,
  DeviceId,
  EditRecord,
  EventId,
  MessageEvent,
  MessageId,
  ReceiptsSummary,
  SendBody,
  Content,
} from '@ottr/protocol';
import { AppError } from '../../errors/index.js';
import type { AppendRequest, Clock, IdGenerator, ListPage, NewJob, RateLimiter, Store } from '../../ports/index.js';
import type { ServerConfig } from '../../config.js';
import type { Delivery } from '../delivery/index.js';
import { hasRole, requireMember, type MemberAccess } from '../conversations/index.js';
import { enforceRateLimit } from '../auth/index.js';
import { editedContent, prepareContent } from './content.js';

export interface MessagesDeps {
  store: Store;
  ids: IdGenerator;
  clock: Clock;
  delivery: Delivery;
  rateLimiter: RateLimiter;
  config: ServerConfig;
  /** Called with the seconds from receipt to durable ack of each new message. */
  onSent?: (seconds: number) => void;
  /** Checks a media reference of new content and fills in the server's description of the media. */
  describeMedia: (sender: AccountId, content: Content) => Promise<Content>;
  /** Push notifications: the job a new message enqueues in its commit, and the hook after it. */
  push?: { messageJob(req: { id: EventId; conversationId: ConversationId; sender: AccountId; at: number }): Promise<NewJob | undefined>; messageSent(at: number): void };
}

/** Who is acting: the account, its device, and (over WebSocket) the connection not to echo to. */
export interface Sender {
  accountId: AccountId;
  deviceId: DeviceId;
  connectionId?: string;
}

/** Messages and their changes: send, edit, delete, react; history, receipts, search. */
export class MessagesService {
  constructor(private readonly deps: MessagesDeps) {}

  private get store(): Store {
    return this.deps.store;
  }

  async send(from: Sender, conversationId: ConversationId, body: SendBody): Promise<ConversationEvent> {
    const started = performance.now();
    await this.throttle(from);
    if ((body.content === undefined) === (body.forwardOf === undefined)) {
      throw new AppError('validation_failed', 'give exactly one of content or forwardOf');
    }
    const access = await requireMember(this.store, conversationId, from.accountId);
    await this.requireMayPost(access, from.accountId);
    const { content, forwarded } =
      body.forwardOf !== undefined
        ? await this.forwardedContent(from.accountId, body.forwardOf)
        : { content: await this.deps.describeMedia(from.accountId, prepareContent(body.content!)), forwarded: undefined };
    const req: AppendRequest = {
      type: 'message',
      id: this.deps.ids.next('message') as EventId,
      conversationId,
      sender: from.accountId,
      at: this.deps.clock.now(),
      deviceId: from.deviceId,
      clientMsgId: body.clientMsgId,
      content,
    };
    if (forwarded) req.forwarded = forwarded;
    if (body.replyTo !== undefined) req.replyTo = await this.replyRef(access, body.replyTo);
    const job = await this.deps.push?.messageJob(req);
    if (job) req.job = job;
    const { event, duplicate } = await this.store.events.append(req);
    if (!duplicate) {
      this.deps.onSent?.((performance.now() - started) / 1000);
      if (job) this.deps.push?.messageSent(req.at);
      // A direct chat that passed requireMayPost has exactly its two participants as active
      // members: no member list to read.
      const direct = access.conversation.kind === 'direct' ? new Set(access.conversation.participants) : undefined;
      await this.fanOut(conversationId, event, from.connectionId, direct);
    }
    return event;
  }

  async edit(from: Sender, messageId: MessageId, content: Content): Promise<ConversationEvent> {
    await this.throttle(from);
    const { message } = await this.ownMessage(from.accountId, messageId, false);
    if (message.content === null || message.deletedAt !== undefined) throw new AppError('message_deleted');
    const stored = editedContent(message.content, content);
    return this.appendAndFanOut(from, {
      type: 'edit',
      id: this.deps.ids.next('event') as EventId,
      conversationId: message.conversationId,
      sender: from.accountId,
      at: this.deps.clock.now(),
      messageId,
      content: stored,
    });
  }

  async delete(from: Sender, messageId: MessageId): Promise<ConversationEvent> {
    await this.throttle(from);
    const { message } = await this.ownMessage(from.accountId, messageId, true);
    return this.appendAndFanOut(from, {
      type: 'delete',
      id: this.deps.ids.next('event') as EventId,
      conversationId: message.conversationId,
      sender: from.accountId,
      at: this.deps.clock.now(),
      messageId,
    });
  }

  async react(from: Sender, messageId: MessageId, emoji: string, remove: boolean): Promise<ConversationEvent> {
    await this.throttle(from);
    if (/[\p{Cc}\p{Z}]/u.test(emoji)) throw new AppError('validation_failed', 'emoji must not contain spaces or control characters');
    const { message } = await this.visibleMessage(from.accountId, messageId);
    return this.appendAndFanOut(from, {
      type: 'reaction',
      id: this.deps.ids.next('event') as EventId,
      conversationId: message.conversationId,
      sender: from.accountId,
      at: this.deps.clock.now(),
      messageId,
      emoji,
      action: remove ? 'remove' : 'add',
    });
  }

  async history(me: AccountId, conversationId: ConversationId, q: { before?: number; after?: number; limit?: number }) {
    if (q.before !== undefined && q.after !== undefined) throw new AppError('validation_failed', 'give before or after, not both');
    const access = await requireMember(this.store, conversationId, me);
    const minSeq = access.membership.joinedSeq;
    const events = await this.store.events.page(conversationId, {
      limit: q.limit ?? 50,
      minSeq,
      ...(q.before !== undefined ? { before: q.before } : {}),
      ...(q.after !== undefined ? { after: q.after } : {}),
    });
    const first = events[0];
    const last = events[events.length - 1];
    return {
      events,
      before: first && first.seq > minSeq ? first.seq : null,
      after: last && last.seq < access.conversation.lastSeq ? last.seq : null,
    };
  }

  async edits(me: AccountId, messageId: MessageId): Promise<EditRecord[]> {
    await this.visibleMessage(me, messageId);
    return this.store.events.edits(messageId);
  }

  async receipts(me: AccountId, messageId: MessageId): Promise<ReceiptsSummary> {
    const { message } = await this.visibleMessage(me, messageId);
    if (message.sender !== me) throw new AppError('not_author', 'Only the author sees who received and read a message');
    const r = await this.store.conversations.receiptsAt(message.conversationId, message.seq, me, 100);
    return { messageId, seq: message.seq, ...r };
  }

  search(me: AccountId, q: { q: string; conversationId?: ConversationId; cursor?: string; limit?: number }): Promise<ListPage<{ event: ConversationEvent; snippet: string }>> {
    return this.store.events.search(me, q.q, {
      limit: q.limit ?? 20,
      ...(q.conversationId ? { conversationId: q.conversationId } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
  }

  private async appendAndFanOut(from: Sender, req: AppendRequest): Promise<ConversationEvent> {
    const { event, duplicate } = await this.store.events.append(req);
    if (!duplicate) await this.fanOut(req.conversationId, event, from.connectionId);
    return event;
  }

  /** Every connected device of every member gets the event, the sender's other devices included. */
  private async fanOut(conversationId: ConversationId, event: ConversationEvent, exceptConnection: string | undefined, known?: Iterable<AccountId>): Promise<void> {
    const members = known ?? (await this.store.conversations.activeMemberIds(conversationId));
    this.deps.delivery.toAccounts(members, { type: 'event', event }, exceptConnection);
  }

  private throttle(from: Sender): Promise<void> {
    return enforceRateLimit(this.deps.rateLimiter, `send:${from.deviceId}`, this.deps.config.limits.sendsPerDevice);
  }

  private async requireMayPost(access: MemberAccess, me: AccountId): Promise<void> {
    const c = access.conversation;
    if (c.kind === 'channel' && !hasRole(access.membership, 'admin')) throw new AppError('insufficient_role', 'Only admins post in a channel');
    if (c.kind === 'direct') {
      const peer = c.participants.find((p) => p !== me) ?? me;
      const { peerGone, blocked } = await this.store.accounts.directBarriers(me, peer);
      if (peerGone) throw new AppError('forbidden', 'The other account was deleted');
      if (blocked) throw new AppError('blocked');
    }
  }

  /** A message the account may see: it exists, is a message, and lies in the member's visible range. */
  private async visibleMessage(me: AccountId, messageId: MessageId): Promise<{ message: MessageEvent; access: MemberAccess }> {
    const event = await this.store.events.get(messageId);
    if (!event || event.type !== 'message') throw new AppError('not_found', 'No such message');
    const access = await requireMember(this.store, event.conversationId, me);
    if (event.seq < access.membership.joinedSeq) throw new AppError('not_found', 'No such message');
    return { message: event, access };
  }

  /** The author's own message; with `adminMay`, admins of groups and channels may act on others' too. */
  private async ownMessage(me: AccountId, messageId: MessageId, adminMay: boolean): Promise<{ message: MessageEvent }> {
    const { message, access } = await this.visibleMessage(me, messageId);
    const adminOverride = adminMay && access.conversation.kind !== 'direct' && hasRole(access.membership, 'admin');
    if (message.sender !== me && !adminOverride) throw new AppError('not_author');
    return { message };
  }

  private async replyRef(access: MemberAccess, messageId: MessageId): Promise<{ messageId: MessageId; seq: number }> {
    const target = await this.store.events.get(messageId);
    const visible = target && target.type === 'message' && target.conversationId === access.conversation.id && target.seq >= access.membership.joinedSeq;
    if (!visible) throw new AppError('not_found', 'The message replied to is not in this conversation');
    return { messageId, seq: target.seq };
  }

  private async forwardedContent(me: AccountId, messageId: MessageId): Promise<{ content: Content; forwarded: { messageId: MessageId; senderId?: AccountId } }> {
    const { message } = await this.visibleMessage(me, messageId);
    if (message.content === null || message.deletedAt !== undefined) throw new AppError('message_deleted');
    // Forwarding a forward points at the original, not at the intermediate copy.
    const forwarded = message.forwarded ?? (message.sender ? { messageId: message.id, senderId: message.sender } : { messageId: message.id });
    return { content: message.content, forwarded };
  }
}

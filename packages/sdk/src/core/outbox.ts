import type { AccountId, Content, ConversationId, MessageEvent, MessageId } from '@ottr/protocol';
import type { Connection } from './connection.js';
import { OttrError } from './errors.js';
import type { LocalMessage, MessageStatus } from './model.js';
import type { Platform } from './platform.js';
import { KEYS, type SdkStore } from './store.js';

/** A message written on this device that the timeline does not hold yet. */
export interface OutboxItem {
  /** The message's id on this device (resent with it until the server answers). */
  clientMsgId: string;
  conversationId: ConversationId;
  /** Your account. */
  sender: AccountId;
  /** Null for a forward (the server copies the content). */
  content: Content | null;
  /** Forward of this message (the server copies its content). */
  forwardOf?: MessageId;
  /** Reply to this message. */
  replyTo?: MessageId;
  /** Local time it was written. */
  createdAt: number;
  /** `sent`: the server stored it (the event is known) but the timeline has not applied it yet. */
  status: Extract<MessageStatus, 'pending' | 'sent' | 'failed'>;
  /** Why it failed. */
  error?: { code: string; message: string };
  /** The server's event once sent (not saved). */
  event?: MessageEvent;
}

/** What the outbox tells the client. */
export interface OutboxHooks {
  /** The server stored the message: hand the event to the timeline. */
  onSent(item: OutboxItem, event: MessageEvent): void;
  onStatus(item: OutboxItem, previous: MessageStatus | null): void;
  onError(err: unknown, context: string): void;
}

/** The local view of an outbox item. */
export function outboxMessage(item: OutboxItem): LocalMessage {
  const m: LocalMessage = {
    conversationId: item.conversationId,
    clientMsgId: item.clientMsgId,
    id: item.event?.id ?? null,
    seq: item.event?.seq ?? null,
    sender: item.sender,
    at: item.event?.at ?? item.createdAt,
    content: item.event?.content ?? item.content,
    reactions: [],
    status: item.status,
  };
  if (item.replyTo) m.replyTo = item.event?.replyTo ?? { messageId: item.replyTo };
  if (item.forwardOf) m.forwardOf = item.forwardOf;
  if (item.event?.forwarded) m.forwarded = item.event.forwarded;
  if (item.error) m.error = item.error;
  return m;
}

/** Errors after which the same send is tried again on the same connection (after a pause). */
const RETRY_PAUSE_MS = [250, 500, 1000, 2000, 5000];

/**
 * Messages written on this device until the timeline holds them: persisted on `add`, sent in
 * order per conversation (one at a time, so the server assigns seqs in writing order) whenever
 * the connection is live, resent with the same clientMsgId after any reconnect (the server's
 * idempotency makes that exactly-once).
 */
export class Outbox {
  private items: OutboxItem[] = [];
  private loaded = false;
  private readonly running = new Set<ConversationId>();
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: SdkStore,
    private readonly platform: Platform,
    private readonly hooks: OutboxHooks,
  ) {}

  /** Loads the saved outbox; items added before that stay after the saved ones. */
  async load(): Promise<void> {
    const saved = ((await this.store.get(KEYS.outbox)) as OutboxItem[] | undefined) ?? [];
    const early = this.items;
    const known = new Set(early.map((i) => i.clientMsgId));
    // A `sent` item whose event the timeline never applied is resent (idempotent) after a restart.
    this.items = [...saved.filter((i) => !known.has(i.clientMsgId)).map((i) => (i.status === 'sent' ? { ...i, status: 'pending' as const } : i)), ...early];
    this.loaded = true;
    if (early.length > 0) this.save();
  }

  /** Every item, oldest first. */
  all(): readonly OutboxItem[] {
    return this.items;
  }

  /** The item with this clientMsgId. */
  get(clientMsgId: string): OutboxItem | undefined {
    return this.items.find((i) => i.clientMsgId === clientMsgId);
  }

  /** Appends an item and saves the outbox. */
  add(item: OutboxItem): void {
    this.items.push(item);
    if (this.loaded) this.save();
  }

  /** The store entry of the outbox without `claimed` (for the timeline's atomic write). */
  entryWithout(claimed: readonly string[]): readonly [string, unknown] {
    const gone = new Set(claimed);
    return [KEYS.outbox, this.items.filter((i) => !gone.has(i.clientMsgId)).map(({ event: _e, ...rest }) => rest)];
  }

  /**
   * The timeline now holds these (its write, which included the outbox, succeeded). Saved again
   * in case an outbox write that still listed them landed after the timeline's.
   */
  remove(claimed: readonly string[]): void {
    if (claimed.length === 0) return;
    const gone = new Set(claimed);
    this.items = this.items.filter((i) => !gone.has(i.clientMsgId));
    this.save();
  }

  /** Puts a failed message back in line. */
  retry(clientMsgId: string): OutboxItem {
    const item = this.get(clientMsgId);
    if (!item) throw new OttrError('not_found', `No message ${clientMsgId} in the outbox`);
    if (item.status !== 'failed') return item;
    item.status = 'pending';
    delete item.error;
    this.save();
    this.hooks.onStatus(item, 'failed');
    return item;
  }

  /** Drops a failed (or pending) message for good. */
  discard(clientMsgId: string): void {
    const before = this.items.length;
    this.items = this.items.filter((i) => i.clientMsgId !== clientMsgId || i.status === 'sent');
    if (this.items.length !== before) this.save();
  }

  /** Forgets every item (sign-out). */
  clear(): void {
    this.items = [];
  }

  /** Sends what is pending, per conversation in order, while `conn` is live. */
  flush(conn: Connection): void {
    if (!this.loaded || conn.state !== 'live') return;
    for (const cid of new Set(this.items.filter((i) => i.status === 'pending').map((i) => i.conversationId))) {
      if (!this.running.has(cid)) void this.run(conn, cid);
    }
  }

  private async run(conn: Connection, cid: ConversationId): Promise<void> {
    this.running.add(cid);
    let failures = 0;
    try {
      while (conn.state === 'live') {
        const item = this.items.find((i) => i.conversationId === cid && i.status === 'pending');
        if (!item) return;
        try {
          const { event } = await conn.request({
            type: 'send',
            conversationId: cid,
            clientMsgId: item.clientMsgId,
            ...(item.forwardOf ? { forwardOf: item.forwardOf } : item.content ? { content: item.content } : {}),
            ...(item.replyTo ? { replyTo: item.replyTo } : {}),
          });
          failures = 0;
          if (item.status !== 'pending' || !this.items.includes(item)) continue; // discarded meanwhile
          item.status = 'sent';
          item.event = event as MessageEvent;
          this.hooks.onStatus(item, 'pending');
          this.hooks.onSent(item, event as MessageEvent);
        } catch (err) {
          // The connection went: the item is resent (same clientMsgId) once live again.
          if (!(err instanceof OttrError) || err.code === 'disconnected' || err.code === 'stopped') return;
          // No answer in time, or a refusal that may pass: the same send again after a pause (idempotent).
          if (err.retryable || err.code === 'timeout') {
            await this.pause(RETRY_PAUSE_MS[Math.min(failures++, RETRY_PAUSE_MS.length - 1)]!);
            continue;
          }
          item.status = 'failed';
          item.error = { code: err.code, message: err.message };
          this.save();
          this.hooks.onStatus(item, 'pending');
        }
      }
    } finally {
      this.running.delete(cid);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => this.platform.setTimeout(resolve, ms));
  }

  /** Saves the outbox (chained; each write takes the state at the time it runs, so the last state wins). */
  persist(): Promise<void> {
    const write = () => this.store.write([this.entryWithout([])]);
    this.writes = this.writes.then(write, write);
    return this.writes;
  }

  /** persist() in the background; a failure is reported. */
  private save(): void {
    this.persist().catch((err: unknown) => this.hooks.onError(err, 'saving the outbox'));
  }
}

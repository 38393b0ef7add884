import type { AccountId, ConversationId, TypingEventFrame } from '@ottr/protocol';
import type { ClientCore } from '../client.js';
import type { TimerHandle } from '../platform.js';

const DEFAULT_INTERVAL_MS = 3000;

/**
 * Typing indicators. `start()` may be called on every keystroke: at most one `typing` frame per
 * conversation goes out per interval (3 s); `stop()` (or sending a message) sends `stopped`.
 * Incoming indicators come as `typing` events, with a `stopped` one when they expire.
 */
export class TypingApi {
  private readonly lastSent = new Map<ConversationId, number>();
  private readonly others = new Map<string, { conversationId: ConversationId; accountId: AccountId; timer: TimerHandle }>();

  constructor(private readonly core: ClientCore) {}

  /** The user is typing in a conversation (throttled; ignored while not live). */
  start(conversationId: ConversationId): void {
    const now = this.core.platform.now();
    const last = this.lastSent.get(conversationId);
    if (last !== undefined && now - last < (this.core.options.typingIntervalMs ?? DEFAULT_INTERVAL_MS)) return;
    if (this.#frame(conversationId, 'typing')) this.lastSent.set(conversationId, now);
  }

  /** The user stopped typing (sent only if `typing` was). */
  stop(conversationId: ConversationId): void {
    if (!this.lastSent.delete(conversationId)) return;
    this.#frame(conversationId, 'stopped');
  }

  /** Accounts typing in a conversation now. */
  who(conversationId: ConversationId): AccountId[] {
    return [...this.others.values()].filter((t) => t.conversationId === conversationId).map((t) => t.accountId);
  }

  /** @internal A message was sent: typing stops. */
  sent(conversationId: ConversationId): void {
    this.stop(conversationId);
  }

  /** @internal A `typing` frame arrived. */
  received(frame: TypingEventFrame): void {
    const key = `${frame.conversationId} ${frame.accountId}`;
    const before = this.others.get(key);
    if (before) this.core.platform.clearTimeout(before.timer);
    this.others.delete(key);
    if (frame.state === 'typing') {
      const timer = this.core.platform.setTimeout(() => {
        this.others.delete(key);
        this.core.emit('typing', { conversationId: frame.conversationId, accountId: frame.accountId, state: 'stopped', expiresInMs: 0 });
      }, frame.expiresInMs);
      this.others.set(key, { conversationId: frame.conversationId, accountId: frame.accountId, timer });
    }
    this.core.emit('typing', { conversationId: frame.conversationId, accountId: frame.accountId, state: frame.state, expiresInMs: frame.expiresInMs });
  }

  /** @internal Forgets every indicator (and, with `timers`, cancels their expiry). */
  stopAll(clearOwn = true): void {
    if (clearOwn) {
      for (const t of this.others.values()) this.core.platform.clearTimeout(t.timer);
      this.others.clear();
    }
    this.lastSent.clear();
  }

  #frame(conversationId: ConversationId, state: 'typing' | 'stopped'): boolean {
    if (!this.core.live()) return false;
    try {
      this.core.conn.send({ type: 'typing', conversationId, state });
      return true;
    } catch {
      return false;
    }
  }
}

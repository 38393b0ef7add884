import type { ConversationId } from '@ottr/protocol';
import type { Connection } from './connection.js';
import { isOttrError } from './errors.js';
import type { Platform, TimerHandle } from './platform.js';
import type { RestClient } from './rest.js';
import type { Timeline } from './timeline.js';

const DELIVERED_DELAY_MS = 50;

/**
 * This device's pointers on their way to the server: `delivered` for conversations whose
 * messages arrived (grouped over a few ms, sent once live), and `read` pointers (sent at once
 * when possible, else kept until the next live). Pointers only move forward, so only the highest
 * pending one per conversation matters.
 */
export class Pointers {
  private readonly deliveredDue = new Set<ConversationId>();
  private readonly deliveredSent = new Map<ConversationId, number>();
  private readonly readsDue = new Map<ConversationId, number>();
  private timer: { handle: TimerHandle } | null = null;

  constructor(
    private readonly deps: { conn: Connection; rest: RestClient; timeline: Timeline; platform: Platform; autoDelivered: boolean },
  ) {}

  private get live(): boolean {
    return this.deps.conn.state === 'live';
  }

  /** Messages of others arrived in `cid` (or, without it: the connection became live). */
  received(cid?: ConversationId): void {
    if (!this.deps.autoDelivered) return;
    if (cid) this.deliveredDue.add(cid);
    if (this.timer || !this.live || this.deliveredDue.size === 0) return;
    this.timer = {
      handle: this.deps.platform.setTimeout(() => {
        this.timer = null;
        this.flushDelivered();
      }, DELIVERED_DELAY_MS),
    };
  }

  /** Sends what waited while offline. */
  onLive(): void {
    for (const [cid, seq] of this.readsDue) void this.read(cid, seq).catch(() => undefined);
    this.received();
  }

  /** Sends a read pointer: on the socket when live, else by REST; kept for the next live when neither works. */
  async read(cid: ConversationId, seq: number): Promise<void> {
    const { conn, rest } = this.deps;
    this.readsDue.set(cid, Math.max(seq, this.readsDue.get(cid) ?? 0));
    const send = this.readsDue.get(cid)!;
    try {
      if (this.live) await conn.request({ type: 'read', conversationId: cid, seq: send });
      else await rest.request('markRead', { params: { conversationId: cid }, body: { seq: send } });
      if (this.readsDue.get(cid) === send) this.readsDue.delete(cid);
    } catch (err) {
      if (isOttrError(err) && err.retryable) return; // sent at the next live
      if (this.readsDue.get(cid) === send) this.readsDue.delete(cid);
      throw err;
    }
  }

  /** Cancels the timer (disconnect). */
  stop(): void {
    if (this.timer) this.deps.platform.clearTimeout(this.timer.handle);
    this.timer = null;
  }

  /** Forgets everything (sign-out). */
  clear(): void {
    this.stop();
    this.deliveredDue.clear();
    this.deliveredSent.clear();
    this.readsDue.clear();
  }

  private flushDelivered(): void {
    const { timeline, conn } = this.deps;
    if (!this.live) return;
    for (const cid of [...this.deliveredDue]) {
      this.deliveredDue.delete(cid);
      const rec = timeline.record(cid);
      if (!rec || rec.item.membership.status !== 'active') continue;
      const seq = rec.appliedSeq;
      if (seq < 1 || seq <= Math.max(rec.item.membership.deliveredSeq, this.deliveredSent.get(cid) ?? 0)) continue;
      this.deliveredSent.set(cid, seq);
      conn.request({ type: 'delivered', conversationId: cid, seq }).catch((err: unknown) => {
        if (this.deliveredSent.get(cid) === seq) this.deliveredSent.delete(cid);
        if (isOttrError(err) && err.retryable) this.deliveredDue.add(cid); // again at the next live
      });
    }
  }
}

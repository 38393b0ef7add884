import type {
  AccountId,
  ConversationEvent,
  ConversationId,
  ConversationListItem,
  Member,
  Membership,
  MembershipFrame,
  ReceiptState,
  SyncEntry,
} from '@ottr/protocol';
import type { ClientEvents, EventSource } from './events.js';
import { isOttrError } from './errors.js';
import { compareItems, fromEvent, type ConversationRecord, type LocalMessage } from './model.js';
import type { Outbox } from './outbox.js';
import type { Platform, TimerHandle } from './platform.js';
import type { RestClient } from './rest.js';
import { KEYS, type SdkStore } from './store.js';
import { Tx } from './tx.js';

interface Held {
  event: ConversationEvent;
  source: EventSource;
}

export interface TimelineDeps {
  store: SdkStore;
  rest: RestClient;
  platform: Platform;
  outbox: Outbox;
  me(): AccountId;
  emit<K extends keyof ClientEvents>(name: K, payload: ClientEvents[K]): void;
  /** Messages of others were applied to this conversation (send `delivered`). */
  onReceived(conversationId: ConversationId): void;
  /** Wait before filling a gap by history: out-of-order frames usually close it by themselves. */
  reorderWindowMs: number;
  messagesPerConversation: number;
}

/** A conversation first seen through a live event may have this many earlier events fetched. */
const DISCOVER_BACKFILL = 100;
const HISTORY_PAGE = 100;
const MAX_GAP_DELAY_MS = 30_000;

/**
 * The client's conversations and messages, and the one path every conversation event takes into
 * them: per conversation, events are applied strictly in seq order, each exactly once (anything at
 * or below `appliedSeq` is a duplicate), out-of-order ones are held and a gap that does not close
 * by itself is filled from history (`after`) before anything beyond it is applied or announced.
 * Each change is saved before it is swapped into memory and announced (see Tx).
 */
export class Timeline {
  private readonly records = new Map<ConversationId, ConversationRecord>();
  private readonly messages = new Map<ConversationId, LocalMessage[]>();
  private readonly held = new Map<ConversationId, Map<number, Held>>();
  private readonly queues = new Map<ConversationId, Promise<void>>();
  private readonly gapTimers = new Map<ConversationId, TimerHandle>();
  private readonly gapFailures = new Map<ConversationId, number>();
  private readonly changed = new Set<ConversationId>();
  private holding = false;
  private stopped = false;

  constructor(private readonly deps: TimelineDeps) {}

  /** Loads the saved conversations and messages. */
  async load(): Promise<void> {
    const { store } = this.deps;
    for (const key of await store.keys(KEYS.conversationPrefix)) {
      const rec = (await store.get(key)) as ConversationRecord | undefined;
      if (!rec) continue;
      const cid = rec.item.conversation.id;
      this.records.set(cid, rec);
      this.messages.set(cid, ((await store.get(KEYS.messages(cid))) as LocalMessage[] | undefined) ?? []);
    }
  }

  record(cid: ConversationId): ConversationRecord | undefined {
    return this.records.get(cid);
  }

  /** Cached messages of a conversation, by seq. */
  messagesOf(cid: ConversationId): readonly LocalMessage[] {
    return this.messages.get(cid) ?? [];
  }

  allRecords(): IterableIterator<ConversationRecord> {
    return this.records.values();
  }

  /** Conversation list items in list order. */
  list(opts: { archived?: boolean; all?: boolean } = {}): ConversationListItem[] {
    return [...this.records.values()]
      .map((r) => r.item)
      .filter((i) => opts.all || (i.membership.status === 'active' && i.membership.archived === (opts.archived ?? false)))
      .sort(compareItems);
  }

  /** While held (during sync), gaps wait: the sync itself closes most of them. */
  hold(): void {
    this.holding = true;
  }

  /** Sync is over: fill whatever gaps remain. */
  release(): void {
    this.holding = false;
    for (const cid of this.records.keys()) this.checkGap(cid);
  }

  /** Cancels timers; nothing is fetched after this (until `start`). */
  stop(): void {
    this.stopped = true;
    for (const t of this.gapTimers.values()) this.deps.platform.clearTimeout(t);
    this.gapTimers.clear();
  }

  start(): void {
    this.stopped = false;
  }

  /** Forgets everything, in memory and in the store (sign-out, a cursor the server no longer knows). */
  async reset(): Promise<void> {
    this.stop();
    const keys = [...(await this.deps.store.keys(KEYS.conversationPrefix)), ...(await this.deps.store.keys(KEYS.messagesPrefix))];
    await this.deps.store.write(keys.map((k) => [k, undefined] as const));
    this.records.clear();
    this.messages.clear();
    this.held.clear();
    this.start();
  }

  // ---- entry points (each runs on its conversation's queue) ---------------------------------

  /** Conversation events from a live frame, a send result or an edit/delete/react answer. */
  ingest(cid: ConversationId, events: ConversationEvent[], source: EventSource): Promise<void> {
    return this.enqueue(cid, async () => {
      const held = this.heldFor(cid);
      const rec = this.records.get(cid);
      for (const event of events) if (!rec || event.seq > rec.appliedSeq) held.set(event.seq, { event, source });
      if (!rec && !(await this.discover(cid))) return;
      await this.drain(cid);
    });
  }

  /** One entry of a sync page. `snapshot`: the first sync of this device (no events, state only). */
  applyEntry(entry: SyncEntry, snapshot: boolean): Promise<void> {
    const cid = entry.conversation.id;
    return this.enqueue(cid, async () => {
      const first = entry.events[0];
      const rec = this.records.get(cid) ?? this.newRecord({ ...entry, lastEvent: entry.events.at(-1) ?? null }, snapshot || !first ? entry.conversation.lastSeq : first.seq - 1);
      const held = this.heldFor(cid);
      for (const event of entry.events) if (event.seq > rec.appliedSeq) held.set(event.seq, { event, source: 'sync' });
      const tx = this.tx(rec);
      const applied = this.applyHeld(tx, held);
      tx.mergeView(entry);
      for (const r of entry.receipts) tx.applyReceipt(r);
      if (entry.membership.status !== 'active' && !entry.partial) {
        // Nothing after the end of a membership is visible.
        tx.record.appliedSeq = Math.max(tx.record.appliedSeq, entry.conversation.lastSeq);
      }
      await this.commit(cid, tx, applied);
      this.checkGap(cid);
    });
  }

  /** Your own membership changed (frame). */
  applyMembership(frame: Pick<MembershipFrame, 'conversation' | 'membership'>): Promise<void> {
    const cid = frame.conversation.id;
    return this.enqueue(cid, async () => {
      let rec = this.records.get(cid);
      if (!rec) {
        const m = frame.membership;
        const last = frame.conversation.lastSeq;
        const baseline = m.status === 'active' ? Math.max(m.joinedSeq - 1, last - DISCOVER_BACKFILL, 0) : last;
        rec = this.newRecord({ conversation: frame.conversation, membership: m, unreadCount: 0, lastEvent: null }, baseline);
        const tx = this.tx(rec);
        tx.needsView = true;
        await this.commit(cid, tx);
      } else {
        const tx = this.tx(rec);
        tx.applyMembership(frame.membership);
        await this.commit(cid, tx);
      }
      this.checkGap(cid);
    });
  }

  /** A member's pointers moved (receipt frame). */
  applyReceipt(cid: ConversationId, receipt: ReceiptState): Promise<void> {
    return this.enqueue(cid, async () => {
      const rec = this.records.get(cid);
      if (!rec) return;
      const tx = this.tx(rec);
      tx.applyReceipt(receipt);
      if (tx.notices.length > 0 || tx.listChanged) await this.commit(cid, tx);
    });
  }

  /** A conversation as the REST API answered it (list, get, create, update, join, membership). */
  mergeView(item: ConversationListItem): Promise<void> {
    const cid = item.conversation.id;
    return this.enqueue(cid, async () => {
      const rec = this.records.get(cid) ?? this.newRecord(item, item.conversation.lastSeq);
      const tx = this.tx(rec);
      tx.mergeView(item);
      await this.commit(cid, tx);
      this.checkGap(cid);
    });
  }

  setMembers(cid: ConversationId, members: Member[]): Promise<void> {
    return this.enqueue(cid, async () => {
      const rec = this.records.get(cid);
      if (!rec) return;
      const tx = this.tx(rec);
      tx.setMembers(members);
      await this.commit(cid, tx);
    });
  }

  /** Older history, in its current state: cached (within the cap), not announced. */
  addHistory(cid: ConversationId, events: ConversationEvent[], reachedStart: boolean): Promise<LocalMessage[]> {
    return this.enqueue(cid, async () => {
      const me = this.deps.me();
      const rec = this.records.get(cid);
      const messages = events.filter((e) => e.type === 'message').map((e) => fromEvent(e, me, 'sent'));
      if (!rec) return messages;
      const tx = this.tx(rec);
      const firstSeq = events[0]?.seq;
      const lastSeq = events.at(-1)?.seq ?? 0;
      const contiguous = firstSeq !== undefined && lastSeq + 1 >= rec.coveredFrom;
      tx.addHistory(messages, contiguous ? (reachedStart ? 0 : firstSeq) : null);
      await this.commit(cid, tx);
      const bySeq = new Map(tx.messages.map((m) => [m.seq, m]));
      return messages.map((m) => bySeq.get(m.seq) ?? m);
    });
  }

  /** Your read pointer moved on this device. */
  markRead(cid: ConversationId, seq: number): Promise<void> {
    return this.enqueue(cid, async () => {
      const rec = this.records.get(cid);
      if (!rec || seq <= rec.item.membership.readSeq) return;
      const tx = this.tx(rec);
      const m: Membership = tx.record.item.membership;
      m.readSeq = seq;
      m.deliveredSeq = Math.max(m.deliveredSeq, seq);
      tx.recountUnread();
      tx.listChanged = true;
      await this.commit(cid, tx);
    });
  }

  // ---- machinery --------------------------------------------------------------------------

  private enqueue<T>(cid: ConversationId, task: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(cid) ?? Promise.resolve();
    const run = prev.then(task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(cid, tail);
    void tail.then(() => {
      if (this.queues.get(cid) === tail) this.queues.delete(cid);
    });
    return run;
  }

  /** Resolves once every task queued so far (in every conversation) has finished. */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
  }

  private heldFor(cid: ConversationId): Map<number, Held> {
    let h = this.held.get(cid);
    if (!h) this.held.set(cid, (h = new Map<number, Held>()));
    return h;
  }

  private newRecord(item: Pick<ConversationListItem, 'conversation' | 'membership' | 'unreadCount'> & { lastEvent: ConversationListItem['lastEvent'] }, appliedSeq: number): ConversationRecord {
    const { conversation, membership, unreadCount, lastEvent } = item;
    return { item: { conversation, membership, unreadCount, lastEvent }, appliedSeq, coveredFrom: appliedSeq + 1, receipts: {}, members: null };
  }

  private tx(rec: ConversationRecord): Tx {
    const cid = rec.item.conversation.id;
    const tx = new Tx(
      { me: this.deps.me(), outboxItem: (id) => this.deps.outbox.get(id), messagesPerConversation: this.deps.messagesPerConversation },
      rec,
      this.messages.get(cid) ?? [],
    );
    if (!this.records.has(cid)) tx.listChanged = true;
    return tx;
  }

  /** Applies the held events that follow appliedSeq without a gap; returns their seqs. */
  private applyHeld(tx: Tx, held: Map<number, Held>): number[] {
    for (const seq of held.keys()) if (seq <= tx.record.appliedSeq) held.delete(seq);
    const applied: number[] = [];
    for (let s = tx.record.appliedSeq + 1; held.has(s); s++) {
      const h = held.get(s)!;
      tx.applyEvent(h.event, h.source);
      applied.push(s);
    }
    return applied;
  }

  /** Saves, then swaps in and announces. A failed write changes nothing (held events stay held). */
  private async commit(cid: ConversationId, tx: Tx, applied: number[] = []): Promise<void> {
    tx.trim();
    const entries: (readonly [string, unknown])[] = [
      [KEYS.conversation(cid), tx.record],
      [KEYS.messages(cid), tx.messages],
    ];
    if (tx.claimed.length > 0) entries.push(this.deps.outbox.entryWithout(tx.claimed));
    await this.deps.store.write(entries);
    this.records.set(cid, tx.record);
    this.messages.set(cid, tx.messages);
    const held = this.held.get(cid);
    for (const s of applied) held?.delete(s);
    this.deps.outbox.remove(tx.claimed);
    for (const [name, payload] of tx.notices) this.deps.emit(name, payload);
    if (tx.listChanged) this.listChanged(cid);
    if (tx.receivedFromOthers) this.deps.onReceived(cid);
    if (tx.needsView) void this.refreshView(cid);
  }

  private async drain(cid: ConversationId): Promise<void> {
    const rec = this.records.get(cid);
    const held = this.held.get(cid);
    if (rec && held && held.size > 0) {
      const tx = this.tx(rec);
      const applied = this.applyHeld(tx, held);
      if (applied.length > 0) await this.commit(cid, tx, applied);
    }
    this.checkGap(cid);
  }

  /** The seq the cache should reach: the highest held event, or the conversation's last event. */
  private gapTarget(cid: ConversationId): number {
    const rec = this.records.get(cid);
    if (!rec) return 0;
    const held = this.held.get(cid);
    const maxHeld = held && held.size > 0 ? Math.max(...held.keys()) : 0;
    const end = rec.item.membership.status === 'active' ? rec.item.conversation.lastSeq : 0;
    return Math.max(maxHeld, end);
  }

  private checkGap(cid: ConversationId): void {
    const rec = this.records.get(cid);
    const missing = rec !== undefined ? this.gapTarget(cid) > rec.appliedSeq : (this.held.get(cid)?.size ?? 0) > 0;
    if (!missing) {
      this.gapFailures.delete(cid);
      const t = this.gapTimers.get(cid);
      if (t !== undefined) this.deps.platform.clearTimeout(t);
      this.gapTimers.delete(cid);
      return;
    }
    if (this.holding || this.stopped || this.gapTimers.has(cid)) return;
    const failures = this.gapFailures.get(cid) ?? 0;
    const delay = Math.min(MAX_GAP_DELAY_MS, this.deps.reorderWindowMs * 2 ** failures);
    this.gapTimers.set(
      cid,
      this.deps.platform.setTimeout(() => {
        this.gapTimers.delete(cid);
        if (this.stopped) return;
        this.enqueue(cid, () => (this.records.has(cid) ? this.fillGap(cid) : this.discover(cid).then((ok) => (ok ? this.drain(cid) : undefined)))).catch((err: unknown) =>
          this.deps.emit('error', { error: err, context: `filling a gap in ${cid}` }),
        );
      }, delay),
    );
  }

  /** Fetches the missing events from history, then applies what is contiguous. */
  private async fillGap(cid: ConversationId): Promise<void> {
    const target = this.gapTarget(cid);
    const held = this.heldFor(cid);
    try {
      for (let pages = 0; pages < 50; pages++) {
        const rec = this.records.get(cid)!;
        if (rec.appliedSeq >= target) break;
        const after = rec.appliedSeq;
        const page = await this.deps.rest.request('listEvents', { params: { conversationId: cid }, query: { after, limit: HISTORY_PAGE } });
        const first = page.events[0];
        const nextHeld = Math.min(...[...held.keys()].filter((s) => s > after));
        // History lists every event after `after` this member may see: seqs it skips are not visible.
        const skipTo = first ? first.seq - 1 : Number.isFinite(nextHeld) ? nextHeld - 1 : target;
        if (skipTo > after) await this.skip(cid, skipTo, false);
        for (const event of page.events) if (event.seq > after && !held.has(event.seq)) held.set(event.seq, { event, source: 'history' });
        await this.drainOnly(cid);
        if (page.after === null && held.size === 0) break;
      }
      this.gapFailures.delete(cid);
    } catch (err) {
      if (isOttrError(err) && err.status !== 0 && !err.retryable) {
        // Not visible any more (removed, not found): continue after the gap with what we hold.
        const rec = this.records.get(cid)!;
        const nextHeld = Math.min(...[...held.keys()].filter((s) => s > rec.appliedSeq));
        await this.skip(cid, Number.isFinite(nextHeld) ? nextHeld - 1 : target, true);
        await this.drainOnly(cid);
      } else {
        this.gapFailures.set(cid, (this.gapFailures.get(cid) ?? 0) + 1);
      }
    }
    this.checkGap(cid);
  }

  private async drainOnly(cid: ConversationId): Promise<void> {
    const rec = this.records.get(cid);
    const held = this.held.get(cid);
    if (!rec || !held || held.size === 0) return;
    const tx = this.tx(rec);
    const applied = this.applyHeld(tx, held);
    if (applied.length > 0) await this.commit(cid, tx, applied);
  }

  /** Moves appliedSeq past events that cannot be fetched; `lost`: the cache is no longer contiguous. */
  private async skip(cid: ConversationId, seq: number, lost: boolean): Promise<void> {
    const rec = this.records.get(cid)!;
    if (seq <= rec.appliedSeq) return;
    const tx = this.tx(rec);
    tx.record.appliedSeq = seq;
    if (lost) tx.record.coveredFrom = seq + 1;
    await this.commit(cid, tx);
  }

  /** A conversation first seen through an event: fetch it, and start a little before that event. */
  private async discover(cid: ConversationId): Promise<boolean> {
    let item: ConversationListItem;
    try {
      item = await this.deps.rest.request('getConversation', { params: { conversationId: cid } });
    } catch (err) {
      if (isOttrError(err) && err.status !== 0 && !err.retryable) {
        this.held.delete(cid); // not ours to see
        return false;
      }
      this.gapFailures.set(cid, (this.gapFailures.get(cid) ?? 0) + 1);
      this.checkGap(cid);
      return false;
    }
    if (this.records.has(cid)) return true;
    const held = this.heldFor(cid);
    const first = held.size > 0 ? Math.min(...held.keys()) : item.conversation.lastSeq + 1;
    const joined = item.membership.joinedSeq;
    const baseline = first - joined <= DISCOVER_BACKFILL ? Math.max(0, joined - 1) : first - 1;
    const tx = this.tx(this.newRecord(item, Math.min(baseline, first - 1)));
    await this.commit(cid, tx);
    return true;
  }

  /** Fetches the conversation to correct what the cache cannot count (unread after a read elsewhere). */
  private async refreshView(cid: ConversationId): Promise<void> {
    try {
      const item = await this.deps.rest.request('getConversation', { params: { conversationId: cid } });
      await this.mergeView(item);
    } catch (err) {
      if (!isOttrError(err) || err.status === 0) return; // offline: the next sync corrects it
      this.deps.emit('error', { error: err, context: `refreshing ${cid}` });
    }
  }

  private listChanged(cid: ConversationId): void {
    const first = this.changed.size === 0;
    this.changed.add(cid);
    if (!first) return;
    void Promise.resolve().then(() => {
      const changed = [...this.changed];
      this.changed.clear();
      this.deps.emit('conversations', { items: this.list(), changed });
    });
  }
}

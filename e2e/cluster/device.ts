/**
 * A device as docs/protocol.md sections 6 and 7 describe one: it keeps its sync cursor (saved
 * before a page is processed) and its pending messages with their clientMsgId; when its socket
 * drops it reconnects to another node, syncs from the saved cursor until caught up, then resends
 * what was not acknowledged with the same clientMsgId. Everything it is handed is kept for the
 * test to check.
 */
import type { WsClient } from './client.js';
import type { Cluster, Event, Session, SyncPage } from './harness.js';
import type { NodeProcess } from './nodes.js';

type Pending = { conversationId: string; text: string; acked(e: Event): void; failed(e: Error): void };

export class Device {
  ws: WsClient | undefined;
  node: NodeProcess | undefined;
  cursor: string | undefined;
  /** Each conversation's last seq when the device first synced: its timeline starts after it. */
  readonly startSeq = new Map<string, number>();
  /** Every event frame pushed live, in arrival order, repeats included. */
  readonly live: Event[] = [];
  /** Every event of every sync page. */
  readonly synced: Event[] = [];
  /** clientMsgId → the event its `send` result returned. */
  readonly acked = new Map<string, Event>();
  /** clientMsgId → message not acknowledged yet. */
  readonly pending = new Map<string, Pending>();
  /** clientMsgIds sent more than once (after a reconnect). */
  readonly resent = new Set<string>();
  /** Nodes it reconnected to. */
  readonly reconnectedTo: string[] = [];
  private readonly transmitted = new Set<string>();
  private closing = false;
  private n = 0;

  constructor(
    private readonly cluster: Cluster,
    readonly session: Session,
    readonly label: string,
    /** Where to go when the socket drops; without it a drop is final. */
    private readonly failover?: () => NodeProcess,
  ) {}

  /** Connects to `node` and syncs from the saved cursor (the first time: a snapshot) until caught up. */
  async connect(node: NodeProcess): Promise<void> {
    const ws = await this.cluster.connect(node, this.session, (f) => {
      if (f.type === 'event') this.live.push(f.event as Event);
    });
    await this.syncToEnd(ws);
    this.ws = ws;
    this.node = node;
    void ws.closed.then(() => this.dropped(ws));
  }

  async syncToEnd(ws = this.ws!): Promise<void> {
    for (;;) {
      const first = this.cursor === undefined;
      const page = await ws.call<SyncPage>({ type: 'sync', ...(first ? {} : { since: this.cursor }) });
      this.cursor = page.cursor; // saved before the page is processed
      for (const entry of page.entries) {
        if (first) this.startSeq.set(entry.conversation.id, entry.conversation.lastSeq);
        this.synced.push(...entry.events);
      }
      if (!page.hasMore) return;
    }
  }

  /** Sends a new message; resolves once it is acknowledged, however many reconnects that takes. */
  send(conversationId: string, text: string): Promise<Event> {
    const clientMsgId = `${this.label}-${++this.n}`;
    const done = new Promise<Event>((acked, failed) => this.pending.set(clientMsgId, { conversationId, text, acked, failed }));
    this.transmit(clientMsgId);
    return done;
  }

  /**
   * Sends a new message and ignores the reply, as if the connection had cut it off: the message
   * is stored but stays pending here, so the next reconnect resends it.
   */
  sendLosingAck(conversationId: string, text: string): string {
    const clientMsgId = `${this.label}-${++this.n}`;
    this.pending.set(clientMsgId, { conversationId, text, acked: () => {}, failed: () => {} });
    this.transmitted.add(clientMsgId);
    void this.ws!.call({ type: 'send', conversationId, clientMsgId, content: { kind: 'text', text } }).catch(() => undefined);
    return clientMsgId;
  }

  private transmit(clientMsgId: string): void {
    const ws = this.ws;
    const p = this.pending.get(clientMsgId)!;
    if (!ws?.open) return; // not connected: the reconnect sends it
    this.transmitted.add(clientMsgId);
    ws.call<{ event: Event }>({ type: 'send', conversationId: p.conversationId, clientMsgId, content: { kind: 'text', text: p.text } }).then(
      ({ event }) => {
        this.acked.set(clientMsgId, event);
        this.pending.delete(clientMsgId);
        p.acked(event);
      },
      (error: Error) => {
        if (ws.open || !this.failover) {
          this.pending.delete(clientMsgId); // refused, or no second chance
          p.failed(error);
        } // else cut off: the reconnect resends it
      },
    );
  }

  /** Everything the device holds of one conversation: live, synced, and its own acknowledged sends. */
  seen(conversationId: string): Event[] {
    return [...this.live, ...this.synced, ...this.acked.values()].filter((e) => e.conversationId === conversationId);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.ws?.close();
  }

  /** The socket dropped: reconnect to another node, sync from the saved cursor, then resend what is pending. */
  private async dropped(ws: WsClient): Promise<void> {
    if (this.closing || ws !== this.ws) return;
    const until = Date.now() + 60_000;
    for (;;) {
      const node = this.failover?.();
      try {
        if (!node) throw new Error('no node to fail over to');
        await this.connect(node);
        this.reconnectedTo.push(node.name);
        for (const clientMsgId of [...this.pending.keys()]) {
          if (this.transmitted.has(clientMsgId)) this.resent.add(clientMsgId);
          this.transmit(clientMsgId);
        }
        return;
      } catch (error) {
        if (!node || Date.now() > until) {
          for (const p of this.pending.values()) p.failed(new Error(`${this.label} lost its connection and could not reconnect: ${String(error)}`));
          this.pending.clear();
          return;
        }
        await new Promise((r) => setTimeout(r, 250)); // reconnect backoff, as a client does
      }
    }
  }
}

import { connect, Events, type NatsConnection, type Subscription } from 'nats';
import type { Bus, BusMessage, BusSubscription } from '@ottr/server';
import { decode, encode } from './codec.js';

export interface NatsBusOptions {
  /** NATS server URL(s), e.g. nats://127.0.0.1:4222; several for a cluster, comma-separated. */
  url: string;
  /** Client name the NATS server shows (monitoring, logs): e.g. `ottr-<nodeId>`. */
  name?: string;
  /** First reconnect delay; it doubles per failed attempt up to `reconnectMaxMs`. Default 250 ms. */
  reconnectMinMs?: number;
  /** Longest delay between reconnect attempts. Default 5000 ms. */
  reconnectMaxMs?: number;
  /** Connection changes and failures, for the log. */
  onEvent?: (event: NatsBusEvent) => void;
}

export type NatsBusEvent =
  | { type: 'disconnected'; server: string }
  | { type: 'reconnected'; server: string }
  | { type: 'error'; error: unknown; subject?: string };

export type NatsBusState = 'connected' | 'reconnecting' | 'closed';

export const NATS_BUS_DEFAULTS = { reconnectMinMs: 250, reconnectMaxMs: 5000 } as const;

/**
 * The bus port on NATS core pub/sub, for many nodes. Like every bus it is at-most-once: NATS
 * core keeps nothing, so a message published while the broker is down, while this node is
 * reconnecting, or before a subscription reached the broker, is lost. Nothing relies on it: a
 * device that missed a frame heals the gap by sync from storage (seq), never by the bus.
 *
 * - One NATS subscription per subject this node subscribes to; the server's registry subscribes
 *   to `acct.<id>` only while it holds a connection of that account, so a node receives only
 *   what its own sockets need. Handlers of one subject share that one NATS subscription.
 * - The frame is the payload, as is (see codec.ts); one publish per subject.
 * - Reconnects for ever, with exponential backoff (and jitter) capped at `reconnectMaxMs`; the
 *   client re-registers every subscription on reconnect. While disconnected, publishes are
 *   dropped rather than queued, so no stale frame is delivered minutes later.
 * - `close()` drains: what arrived is handled, what was published is flushed, then it closes.
 */
export class NatsBus implements Bus {
  private readonly subjects = new Map<string, { sub: Subscription; handlers: Set<(m: BusMessage) => void>; ready: Promise<void> }>();
  private stateNow: NatsBusState = 'connected';
  private closing: Promise<void> | undefined;
  private dropped = 0;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly onEvent: (event: NatsBusEvent) => void,
  ) {
    void this.watch();
  }

  /** Connects (the first connection must succeed: a wrong URL fails at start) and returns the bus. */
  static async connect(options: NatsBusOptions): Promise<NatsBus> {
    const min = options.reconnectMinMs ?? NATS_BUS_DEFAULTS.reconnectMinMs;
    const max = options.reconnectMaxMs ?? NATS_BUS_DEFAULTS.reconnectMaxMs;
    let attempt = 0;
    const nc = await connect({
      servers: options.url.split(',').map((s) => s.trim()).filter(Boolean),
      ...(options.name !== undefined && { name: options.name }),
      maxReconnectAttempts: -1,
      reconnectDelayHandler: () => {
        const base = Math.min(max, min * 2 ** Math.min(attempt++, 20));
        return Math.round(base * (0.8 + Math.random() * 0.4));
      },
      // A dead TCP peer (a broker host gone without a FIN) is noticed within ~20 s.
      pingInterval: 10_000,
      maxPingOut: 2,
    });
    const bus = new NatsBus(nc, options.onEvent ?? (() => {}));
    bus.resetBackoff = () => (attempt = 0);
    return bus;
  }

  private resetBackoff: () => void = () => {};

  /** connected; reconnecting (publishes are dropped meanwhile); closed. */
  get state(): NatsBusState {
    return this.stateNow;
  }

  /** Messages dropped because the connection was down when they were published. */
  get droppedCount(): number {
    return this.dropped;
  }

  publish(subject: string, message: BusMessage): void {
    if (this.stateNow !== 'connected') {
      this.dropped++;
      return;
    }
    const { data, headers } = encode(message);
    try {
      this.nc.publish(subject, data, headers ? { headers } : undefined);
    } catch (error) {
      // Closed or draining meanwhile, or an invalid subject: at-most-once, so report and drop.
      this.dropped++;
      this.onEvent({ type: 'error', error, subject });
    }
  }

  subscribe(subject: string, handler: (message: BusMessage) => void): BusSubscription {
    let entry = this.subjects.get(subject);
    if (!entry) {
      const handlers = new Set<(m: BusMessage) => void>();
      const sub = this.nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err) return this.onEvent({ type: 'error', error: err, subject });
          let message: BusMessage;
          try {
            message = decode(msg.data, msg.headers);
          } catch (error) {
            return this.onEvent({ type: 'error', error, subject });
          }
          for (const h of handlers) {
            try {
              h(message);
            } catch (error) {
              this.onEvent({ type: 'error', error, subject });
            }
          }
        },
      });
      const ready = this.registered();
      this.subjects.set(subject, (entry = { sub, handlers, ready }));
    }
    const h = (m: BusMessage): void => handler(m);
    entry.handlers.add(h);
    const owner = entry;
    return {
      ready: owner.ready,
      unsubscribe: () => {
        if (!owner.handlers.delete(h) || owner.handlers.size > 0) return;
        if (this.subjects.get(subject) === owner) this.subjects.delete(subject);
        try {
          owner.sub.unsubscribe();
        } catch {
          // Already closed with the connection.
        }
      },
    };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.setState('closed');
      this.subjects.clear();
      if (this.nc.isClosed()) return;
      try {
        await this.nc.drain();
      } catch {
        // Drain fails when the connection is down: nothing left to flush, so just close.
        await this.nc.close();
      }
    })();
    return this.closing;
  }

  /**
   * Resolves once the broker has every subscription sent so far: it answered a PING sent after
   * them. While disconnected, after the next reconnect (which re-sends every subscription).
   */
  private async registered(): Promise<void> {
    while (this.stateNow !== 'closed') {
      if (this.stateNow === 'connected') {
        try {
          await this.nc.flush();
          return;
        } catch {
          // Disconnected meanwhile: wait for the reconnect below.
        }
      }
      await this.nextChange;
    }
  }

  /** Settles at the next connection change (disconnect, reconnect, close). */
  private changed: () => void = () => {};
  private nextChange: Promise<void> = new Promise((r) => (this.changed = r));

  private setState(state: NatsBusState): void {
    this.stateNow = state;
    const settle = this.changed;
    this.nextChange = new Promise((r) => (this.changed = r));
    settle();
  }

  private async watch(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (this.stateNow === 'closed') break;
      if (s.type === Events.Disconnect) {
        this.setState('reconnecting');
        this.onEvent({ type: 'disconnected', server: typeof s.data === 'string' ? s.data : '' });
      } else if (s.type === Events.Reconnect) {
        this.setState('connected');
        this.resetBackoff();
        this.onEvent({ type: 'reconnected', server: typeof s.data === 'string' ? s.data : '' });
      } else if (s.type === Events.Error) {
        this.onEvent({ type: 'error', error: s.data });
      }
    }
  }
}

/** The bus port on NATS: `createNatsBus({ url, name })`. See NatsBus. */
export function createNatsBus(options: NatsBusOptions): Promise<NatsBus> {
  return NatsBus.connect(options);
}

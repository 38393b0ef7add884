import type { Bus, BusMessage, BusSubscription } from '../../ports/index.js';
import { accountSubject } from '../../modules/delivery/index.js';
import type { Connection } from './connection.js';
import type { GatewayLogger } from './types.js';

/**
 * The authenticated connections of this node, by account and by device, and the bus
 * subscriptions that feed them: `acct.<accountId>` is subscribed when the account's first
 * connection registers here and unsubscribed when its last one leaves.
 */
export class ConnectionRegistry {
  private readonly accounts = new Map<string, Set<Connection>>();
  private readonly devices = new Map<string, Connection>();
  private readonly subscriptions = new Map<string, BusSubscription>();

  constructor(
    private readonly bus: Bus,
    private readonly logger: GatewayLogger,
  ) {}

  /**
   * Registers an authenticated connection. Returns the device's previous connection on this
   * node, if any: the caller closes it (4202 replaced).
   */
  add(conn: Connection): Connection | undefined {
    const { accountId, deviceId } = ctxOf(conn);
    const previous = this.devices.get(deviceId);
    this.devices.set(deviceId, conn);
    let set = this.accounts.get(accountId);
    if (!set) {
      this.accounts.set(accountId, (set = new Set()));
      try {
        this.subscriptions.set(accountId, this.bus.subscribe(accountSubject(accountId), (m) => this.deliver(accountId, m)));
      } catch (err) {
        this.logger.error({ err, accountId }, 'ws: bus subscribe failed; the account gets no realtime frames on this node');
      }
    }
    set.add(conn);
    return previous === conn ? undefined : previous;
  }

  /** Unregisters a connection; returns false if it was not registered. */
  remove(conn: Connection): boolean {
    if (!conn.ctx) return false;
    const { accountId, deviceId } = conn.ctx;
    if (this.devices.get(deviceId) === conn) this.devices.delete(deviceId);
    const set = this.accounts.get(accountId);
    if (!set?.delete(conn)) return false;
    if (set.size === 0) {
      this.accounts.delete(accountId);
      const sub = this.subscriptions.get(accountId);
      this.subscriptions.delete(accountId);
      try {
        sub?.unsubscribe();
      } catch (err) {
        this.logger.warn({ err, accountId }, 'ws: bus unsubscribe failed');
      }
    }
    return true;
  }

  /**
   * Resolves once the bus delivers the account's subject to this node (at once in-process; a
   * broker round trip otherwise), or after `capMs` (a broker that is down: at-most-once anyway).
   */
  async subscribed(accountId: string, capMs: number): Promise<void> {
    const ready = this.subscriptions.get(accountId)?.ready;
    if (!ready) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([ready, new Promise<void>((r) => (timer = setTimeout(r, capMs)))]);
    clearTimeout(timer);
  }

  /** The connections of one account on this node. */
  ofAccount(accountId: string): ReadonlySet<Connection> {
    return this.accounts.get(accountId) ?? new Set();
  }

  get size(): number {
    return this.devices.size;
  }

  /**
   * Applies one bus message to the account's connections here. `close` wins over `frame`:
   * it closes the device's connections (or all of the account's) with its code and reason.
   * `frame` is encoded once and the same bytes go to every connection. `except` skips the
   * connection with that id in both cases.
   */
  deliver(accountId: string, message: BusMessage): void {
    const set = this.accounts.get(accountId);
    if (!set || set.size === 0) return;
    const targets = [...set].filter((c) => c.id !== message.except);
    if (message.close) {
      const { code, reason, deviceId } = message.close;
      for (const c of targets) if (deviceId === undefined || c.ctx?.deviceId === deviceId) c.close(code, reason);
      return;
    }
    if (typeof message.frame !== 'string') return;
    const bytes = Buffer.from(message.frame, 'utf8');
    for (const c of targets) c.sendBytes(bytes);
  }
}

function ctxOf(conn: Connection): NonNullable<Connection['ctx']> {
  if (!conn.ctx) throw new Error('ws registry: connection is not authenticated');
  return conn.ctx;
}

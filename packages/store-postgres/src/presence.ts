import { randomBytes } from 'node:crypto';
import type { AccountId } from '@ottr/protocol';
import type { PresenceChange, PresenceDirectory } from '@ottr/server';
import { createPool, Db, type Conn } from './db.js';
import { migrate } from './migrations/index.js';

export interface PostgresPresenceOptions {
  url: string;
  /** This node's name (logs); a random suffix makes each start a distinct instance. */
  nodeId: string;
  /** A node that has not heartbeated for this long is taken for dead and its accounts go offline. Default 30000. */
  ttlMs?: number;
  /** Connections for presence. Default 2. */
  poolSize?: number;
  /** Heartbeat or expiry failures (the database is down): logged, retried on the next beat. */
  onError?: (error: unknown) => void;
}

export const POSTGRES_PRESENCE_DEFAULTS = { ttlMs: 30_000, poolSize: 2 } as const;

/** The database's clock in ms: every node's expiry is judged by one clock, whatever their skew. */
const NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/**
 * The presence port on PostgreSQL (tables of migration 0002): a row per (account, node
 * instance) while that node has a connection of the account, and a row per node instance whose
 * `expires_at` its heartbeat pushes forward every ttl/3. An account is online when it has a row
 * on a node that has not expired.
 *
 * - A last disconnect locks the account's rows first, so of two nodes closing their last
 *   connections at once, exactly one sees no other and reports offline.
 * - Each heartbeat also expires dead nodes: one statement deletes the expired node rows and
 *   their accounts' rows, so exactly one node (the one whose DELETE got them) reports those
 *   accounts offline, and only those that no live node still has.
 * - A node whose own row was expired (a long pause, a partition, the tables emptied by a
 *   database crash) notices on its next heartbeat, registers again with every account it has,
 *   and reports them online again.
 *
 * Why PostgreSQL rather than a NATS KV bucket: the cluster already depends on it; per-node
 * liveness is one row (one write per heartbeat, not one per account), expiry and the
 * accounts it takes offline are one atomic statement, and "online on any live node" for 100
 * accounts is one indexed query. NATS 2.9's KV has no per-key TTL, no notice of expiry and
 * no atomic multi-key update, so the same would need a refresh per account and a poller.
 */
export class PostgresPresence implements PresenceDirectory {
  readonly node: string;
  private readonly mine = new Set<AccountId>();
  private readonly listeners: ((change: PresenceChange) => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly db: Db,
    nodeId: string,
    private readonly ttlMs: number,
    private readonly onError: (error: unknown) => void,
  ) {
    this.node = `${nodeId}/${randomBytes(6).toString('hex')}`;
  }

  static async open(options: PostgresPresenceOptions): Promise<PostgresPresence> {
    const pool = createPool({ url: options.url, poolSize: options.poolSize ?? POSTGRES_PRESENCE_DEFAULTS.poolSize, statementTimeoutMs: 10_000 });
    pool.on('error', () => undefined);
    const db = new Db(pool);
    try {
      await migrate(db, Date.now());
      const presence = new PostgresPresence(db, options.nodeId, options.ttlMs ?? POSTGRES_PRESENCE_DEFAULTS.ttlMs, options.onError ?? (() => {}));
      await presence.register();
      presence.timer = setInterval(() => {
        presence.beating = presence.beating.then(() => presence.beat()).catch((e: unknown) => presence.onError(e));
      }, Math.max(10, Math.floor(presence.ttlMs / 3)));
      presence.timer.unref();
      return presence;
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  async connected(accountId: AccountId): Promise<boolean> {
    this.mine.add(accountId);
    await this.db.run('INSERT INTO presence (account_id, node) VALUES ($1, $2) ON CONFLICT DO NOTHING', accountId, this.node);
    return !(await this.elsewhere(this.db, accountId));
  }

  async disconnected(accountId: AccountId): Promise<boolean> {
    this.mine.delete(accountId);
    return this.db.tx(async (c) => {
      // Locks every row of the account: concurrent last disconnects take turns, and the later
      // one sees the earlier one's row gone.
      await c.run('SELECT 1 FROM presence WHERE account_id = $1 FOR UPDATE', accountId);
      await c.run('DELETE FROM presence WHERE account_id = $1 AND node = $2', accountId, this.node);
      return !(await this.elsewhere(c, accountId));
    });
  }

  async online(accountIds: readonly AccountId[]): Promise<Set<AccountId>> {
    if (accountIds.length === 0) return new Set();
    const rows = await this.db.rows<{ account_id: AccountId }>(
      `SELECT DISTINCT p.account_id FROM presence p JOIN presence_nodes n ON n.node = p.node
        WHERE p.account_id = ANY($1::text[]) AND n.expires_at > ${NOW_MS}`,
      [...accountIds],
    );
    return new Set(rows.map((r) => r.account_id));
  }

  onChange(listener: (change: PresenceChange) => void): void {
    this.listeners.push(listener);
  }

  /** Stops heartbeating and releases the pool without withdrawing anything, as a crash would (tests of expiry). */
  async halt(): Promise<void> {
    clearInterval(this.timer);
    this.closing ??= this.beating.then(() => this.db.pool.end());
    await this.closing;
  }

  close(): Promise<void> {
    clearInterval(this.timer);
    this.closing ??= (async () => {
      await this.beating;
      try {
        await this.db.tx(async (c) => {
          await c.run('DELETE FROM presence WHERE node = $1', this.node);
          await c.run('DELETE FROM presence_nodes WHERE node = $1', this.node);
        });
      } catch (error) {
        this.onError(error); // The rows expire with the TTL anyway.
      } finally {
        await this.db.pool.end();
      }
    })();
    return this.closing;
  }

  private async elsewhere(c: Conn, accountId: AccountId): Promise<boolean> {
    return (
      (await c.value<boolean>(
        `SELECT EXISTS (SELECT 1 FROM presence p JOIN presence_nodes n ON n.node = p.node
          WHERE p.account_id = $1 AND p.node <> $2 AND n.expires_at > ${NOW_MS})`,
        accountId,
        this.node,
      )) === true
    );
  }

  private register(): Promise<number> {
    return this.db.run(
      `INSERT INTO presence_nodes (node, expires_at) VALUES ($1, ${NOW_MS} + $2)
       ON CONFLICT (node) DO UPDATE SET expires_at = EXCLUDED.expires_at`,
      this.node,
      this.ttlMs,
    );
  }

  /** Pushes this node's expiry forward (registering again if it was expired), then expires dead nodes. */
  private async beat(): Promise<void> {
    if (this.closing) return;
    const alive = await this.db.run(`UPDATE presence_nodes SET expires_at = ${NOW_MS} + $2 WHERE node = $1`, this.node, this.ttlMs);
    if (alive === 0) {
      await this.register();
      const ids = [...this.mine];
      if (ids.length > 0) {
        await this.db.run('INSERT INTO presence (account_id, node) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING', ids, this.node);
        this.emit({ accountIds: ids, online: true });
      }
    }
    const gone = await this.db.rows<{ account_id: AccountId }>(
      `WITH dead AS (DELETE FROM presence_nodes WHERE expires_at <= ${NOW_MS} RETURNING node),
            lost AS (DELETE FROM presence p USING dead WHERE p.node = dead.node RETURNING p.account_id)
       SELECT DISTINCT account_id FROM lost`,
    );
    if (gone.length === 0) return;
    const stillOnline = await this.online(gone.map((r) => r.account_id));
    const offline = gone.map((r) => r.account_id).filter((id) => !stillOnline.has(id));
    if (offline.length > 0) this.emit({ accountIds: offline, online: false });
  }

  private emit(change: PresenceChange): void {
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}

/** The presence port on PostgreSQL; see PostgresPresence. */
export function createPostgresPresence(options: PostgresPresenceOptions): Promise<PostgresPresence> {
  return PostgresPresence.open(options);
}

import type { Store } from '@ottr/server';
import { createAccountStore } from './accounts.js';
import { createAuthStore } from './auth.js';
import { createConversationStore } from './conversations.js';
import { createPool, Db } from './db.js';
import { exportAll, importAll } from './dump.js';
import { createEventStore } from './events.js';
import { createJobQueue } from './jobs.js';
import { createMediaStore } from './media.js';
import { migrate } from './migrations/index.js';
import { createPushStore } from './push.js';
import { createSyncStore } from './sync.js';
import { Writer } from './writer.js';

export interface PostgresStoreOptions {
  /** Connection URL, e.g. postgres://user:password@host:5432/ottr (libpq's PG* variables fill what it leaves out). */
  url: string;
  /** Connections in this node's pool. Default 10. */
  poolSize?: number;
  /** A statement running longer is cancelled (and its operation fails). Default 30000 ms. */
  statementTimeoutMs?: number;
}

export interface PostgresStore extends Store {
  /**
   * Write transactions committed by this store, operations committed through them (group commit),
   * and batches run a second time with a savepoint per operation (see writer.ts, Isolation).
   */
  stats(): { commits: number; batched: number; retried: number };
}

export const POSTGRES_DEFAULTS = { poolSize: 10, statementTimeoutMs: 30_000 } as const;

/**
 * The storage port on PostgreSQL: any number of nodes (stores) on one database. Opens a pool,
 * applies the migrations this database lacks (once, under an advisory lock) and returns the
 * store. See writer.ts for how seq and version stay right across nodes.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const pool = createPool({
    url: options.url,
    poolSize: options.poolSize ?? POSTGRES_DEFAULTS.poolSize,
    statementTimeoutMs: options.statementTimeoutMs ?? POSTGRES_DEFAULTS.statementTimeoutMs,
  });
  // An idle client's connection dropping (server restart) is reported here; the pool replaces it.
  pool.on('error', () => undefined);
  const db = new Db(pool);
  try {
    await migrate(db, Date.now());
  } catch (error) {
    await pool.end();
    throw error;
  }
  const writer = new Writer(db);
  let closing: Promise<void> | undefined;
  return {
    accounts: createAccountStore(db),
    auth: createAuthStore(db),
    conversations: createConversationStore(db, writer),
    events: createEventStore(db, writer),
    sync: createSyncStore(db),
    media: createMediaStore(db),
    push: createPushStore(db),
    jobs: createJobQueue(db),
    stats: () => writer.stats(),
    exportAll: () => exportAll(db),
    importAll: (source) => importAll(db, source),
    close() {
      closing ??= (async () => {
        await writer.close();
        await pool.end();
      })();
      return closing;
    },
  };
}

export { createPostgresPresence, PostgresPresence, POSTGRES_PRESENCE_DEFAULTS, type PostgresPresenceOptions } from './presence.js';
export { createPostgresRateLimiter, PostgresRateLimiter, POSTGRES_RATE_LIMITER_DEFAULTS, type PostgresRateLimiterOptions } from './rate-limiter.js';

import { slidingWindowRetryAfter, systemClock, type Clock, type RateDecision, type RateLimiter, type RateRule } from '@ottr/server';
import { createPool, Db } from './db.js';
import { migrate } from './migrations/index.js';

export interface PostgresRateLimiterOptions {
  url: string;
  /** Connections for rate limiting (a statement per limited request). Default 4. */
  poolSize?: number;
  clock?: Clock;
  /** How often this node deletes counters idle for two windows. Default 60000 ms. */
  sweepIntervalMs?: number;
  onError?: (error: unknown) => void;
}

export const POSTGRES_RATE_LIMITER_DEFAULTS = { poolSize: 4, sweepIntervalMs: 60_000 } as const;

// The upsert's parts, over the old row `r` and the parameters $2 window, $3 this window's
// start, $4 limit, $5 now. A row ahead of us (another node's clock already in the next window)
// is taken as it is rather than rolled back.
const W = '$2::bigint';
const SAME = `r.window_ms = ${W}`;
const START = `CASE WHEN ${SAME} THEN GREATEST(r.start, $3::bigint) ELSE $3::bigint END`;
const COUNT = `CASE WHEN ${SAME} AND r.start >= $3::bigint THEN r.count ELSE 0 END`;
const PREVIOUS = `CASE WHEN NOT ${SAME} THEN 0 WHEN r.start >= $3::bigint THEN r.previous WHEN r.start = $3::bigint - ${W} THEN r.count ELSE 0 END`;
const WEIGHT = `GREATEST(0, LEAST(1, (${W} - ($5::bigint - ${START}))::float8 / ${W}))`;
const ALLOWED = `(${PREVIOUS}) * ${WEIGHT} + (${COUNT}) + 1 <= $4::int`;

const HIT = `
INSERT INTO rate_limits AS r (key, window_ms, start, count, previous, allowed, expires_at)
VALUES ($1, ${W}, $3::bigint, CASE WHEN $4::int >= 1 THEN 1 ELSE 0 END, 0, $4::int >= 1, $3::bigint + 2 * ${W})
ON CONFLICT (key) DO UPDATE SET
  window_ms = ${W},
  start = ${START},
  previous = ${PREVIOUS},
  count = ${COUNT} + CASE WHEN ${ALLOWED} THEN 1 ELSE 0 END,
  allowed = ${ALLOWED},
  expires_at = ${START} + 2 * ${W}
RETURNING start, count, previous, allowed`;

/**
 * The rate-limiter port on PostgreSQL, shared by every node: a limit holds for the cluster, not
 * per node. The same sliding window as MemoryRateLimiter (the current and the previous fixed
 * window, the previous weighted by its overlap; denied hits not counted), kept in one row per
 * key of an UNLOGGED table (migration 0002) and decided by one atomic upsert per hit: the row
 * lock serializes concurrent hits on a key, so N nodes together allow exactly the limit.
 *
 * Why PostgreSQL rather than NATS KV: one statement and one round trip per hit, no
 * read-modify-write retry loop under contention (KV compare-and-set needs a get, an update and
 * retries on conflict), no key encoding (KV keys allow few characters; ours hold emails and
 * IPs), and no WAL for these rows. Each node's clock places hits in windows; skew between
 * nodes only shifts window edges by the skew.
 */
export class PostgresRateLimiter implements RateLimiter {
  private timer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  static async open(options: PostgresRateLimiterOptions): Promise<PostgresRateLimiter> {
    const pool = createPool({ url: options.url, poolSize: options.poolSize ?? POSTGRES_RATE_LIMITER_DEFAULTS.poolSize, statementTimeoutMs: 10_000 });
    pool.on('error', () => undefined);
    const db = new Db(pool);
    try {
      await migrate(db, Date.now());
    } catch (error) {
      await pool.end();
      throw error;
    }
    const limiter = new PostgresRateLimiter(db, options.clock ?? systemClock);
    const onError = options.onError ?? (() => {});
    limiter.timer = setInterval(() => {
      db.run('DELETE FROM rate_limits WHERE expires_at <= $1', limiter.clock.now()).catch(onError);
    }, options.sweepIntervalMs ?? POSTGRES_RATE_LIMITER_DEFAULTS.sweepIntervalMs);
    limiter.timer.unref();
    return limiter;
  }

  async hit(key: string, rule: RateRule): Promise<RateDecision> {
    const now = this.clock.now();
    const start = now - (now % rule.windowMs);
    const row = await this.db.prepared<{ start: number; count: number; previous: number; allowed: boolean }>('ottr_rate_hit', HIT, key, rule.windowMs, start, rule.limit, now);
    const r = row.rows[0]!;
    if (r.allowed) return { allowed: true, retryAfterMs: 0 };
    return { allowed: false, retryAfterMs: slidingWindowRetryAfter({ windowMs: rule.windowMs, count: r.count, previous: r.previous }, rule.limit, Math.max(0, now - r.start)) };
  }

  close(): Promise<void> {
    clearInterval(this.timer);
    this.closing ??= this.db.pool.end();
    return this.closing;
  }
}

/** The rate-limiter port on PostgreSQL; see PostgresRateLimiter. */
export function createPostgresRateLimiter(options: PostgresRateLimiterOptions): Promise<PostgresRateLimiter> {
  return PostgresRateLimiter.open(options);
}

export interface RateRule {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
}

export interface RateDecision {
  allowed: boolean;
  /** When not allowed: ms until the next request would be. */
  retryAfterMs: number;
}

/**
 * Counts hits per key. The default is in memory (per node); a shared one (PostgreSQL) makes
 * limits hold for the whole cluster. Every adapter runs testing/rate-limiter-conformance.ts.
 */
export interface RateLimiter {
  hit(key: string, rule: RateRule): Promise<RateDecision>;
  /** Releases what the adapter holds (connections, timers); the server calls it when it closes. */
  close?(): Promise<void>;
}

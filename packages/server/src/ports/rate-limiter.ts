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

/** Counts hits per key. The default is in memory; a shared one (issue: scale-out) makes limits cluster-wide. */
export interface RateLimiter {
  hit(key: string, rule: RateRule): Promise<RateDecision>;
}

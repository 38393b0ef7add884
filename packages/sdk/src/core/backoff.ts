/** Reconnect delays: exponential growth with full jitter. */
export interface BackoffOptions {
  /** Cap of the first delay, doubled after each failed attempt. Default 500 ms. */
  baseMs?: number;
  /** Largest cap. Default 30 s. */
  maxMs?: number;
}

/** The protocol's suggestion: 0.5 s doubling to 30 s. */
export const DEFAULT_BACKOFF = { baseMs: 500, maxMs: 30_000 } as const;

/**
 * "Full jitter" backoff: attempt n waits a uniformly random time in [0, min(max, base·2ⁿ)), so
 * that many clients cut off at once do not come back in lockstep. `reset()` after the connection
 * has been stable for a while.
 */
export class Backoff {
  private attempts = 0;
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(
    options: BackoffOptions,
    private readonly random: () => number,
  ) {
    this.baseMs = Math.max(1, options.baseMs ?? DEFAULT_BACKOFF.baseMs);
    this.maxMs = Math.max(this.baseMs, options.maxMs ?? DEFAULT_BACKOFF.maxMs);
  }

  /** Failed attempts since the last reset. */
  get attempt(): number {
    return this.attempts;
  }

  /** The upper bound of the next delay. */
  get ceiling(): number {
    return Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.attempts, 30));
  }

  /** The delay before the next attempt; counts the attempt. */
  next(): number {
    const delay = Math.floor(this.random() * this.ceiling);
    this.attempts++;
    return delay;
  }

  /** Starts from the base again (the connection has been stable). */
  reset(): void {
    this.attempts = 0;
  }
}

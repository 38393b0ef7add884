import type { Clock, RateDecision, RateLimiter, RateRule } from '../ports/index.js';
import { systemClock } from './system-clock.js';

export interface MemoryRateLimiterOptions {
  clock?: Clock;
  /** How often idle keys are swept out (at most once per interval, during a hit). Default 60 s. */
  sweepIntervalMs?: number;
  /** Hard cap on tracked keys; past it the least recently used keys are dropped. Default 100,000. */
  maxKeys?: number;
}

interface Window {
  windowMs: number;
  /** Start of the current fixed window (a multiple of windowMs). */
  start: number;
  count: number;
  /** Hits of the window just before `start`. */
  previous: number;
}

/**
 * The in-memory rate limiter, the default for one node: a sliding window per key, estimated from
 * the current and the previous fixed window (the previous one weighted by how much of it still
 * overlaps the sliding window). O(1) memory per key; denied hits are not counted. Keys idle for
 * two windows are swept, and the number of keys is capped, so memory stays bounded.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly clock: Clock;
  private readonly sweepIntervalMs: number;
  private readonly maxKeys: number;
  private readonly windows = new Map<string, Window>();
  private lastSweep: number;

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    this.maxKeys = options.maxKeys ?? 100_000;
    this.lastSweep = this.clock.now();
  }

  /** Number of keys currently tracked. */
  get size(): number {
    return this.windows.size;
  }

  async hit(key: string, rule: RateRule): Promise<RateDecision> {
    const now = this.clock.now();
    if (now - this.lastSweep >= this.sweepIntervalMs) this.sweep(now);

    const W = rule.windowMs;
    const start = now - (now % W);
    let w = this.windows.get(key);
    if (w === undefined || w.windowMs !== W || start - w.start >= 2 * W) {
      w = { windowMs: W, start, count: 0, previous: 0 };
    } else if (start !== w.start) {
      // Moved on by exactly one window: the current one becomes the previous.
      w = { windowMs: W, start, count: 0, previous: w.count };
    }
    // Re-insert so Map order is least recently used first.
    this.windows.delete(key);
    this.windows.set(key, w);
    if (this.windows.size > this.maxKeys) this.evict(this.windows.size - this.maxKeys);

    const elapsed = now - start;
    const estimate = (w.previous * (W - elapsed)) / W + w.count;
    if (estimate + 1 <= rule.limit) {
      w.count++;
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: retryAfter(w, rule.limit, elapsed) };
  }

  /** Drops every key whose windows have both run out. */
  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, w] of this.windows) {
      if (now - w.start >= 2 * w.windowMs) this.windows.delete(key);
    }
  }

  private evict(n: number): void {
    for (const key of this.windows.keys()) {
      if (n-- <= 0) break;
      this.windows.delete(key);
    }
  }
}

/**
 * Ms until one more hit fits, assuming no other hits come in meanwhile: `w` holds the hits of
 * the current fixed window (`count`) and of the one before (`previous`), `elapsed` the ms since
 * the current one started. Shared with the distributed rate limiters, which keep the same
 * two counters.
 */
export function retryAfter(w: { windowMs: number; count: number; previous: number }, limit: number, elapsed: number): number {
  const W = w.windowMs;
  const untilNext = W - elapsed;
  if (w.count + 1 <= limit && w.previous > 0) {
    // Still in this window: wait until the previous window's weight has decayed enough.
    // previous * (W - elapsed - t) / W + count + 1 <= limit
    const t = untilNext - ((limit - w.count - 1) * W) / w.previous;
    if (t < untilNext) return Math.max(1, Math.ceil(t));
  }
  // In the next window the current count is the previous one: count * (W - e) / W + 1 <= limit.
  const e = w.count > 0 ? Math.max(0, W - ((limit - 1) * W) / w.count) : 0;
  return Math.max(1, Math.ceil(untilNext + e));
}

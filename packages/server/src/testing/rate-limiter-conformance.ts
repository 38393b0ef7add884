import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock, RateLimiter } from '../ports/index.js';

/** Rate-limiter instances as nodes have them, each on the clock it is given. */
export interface RateLimiterCluster {
  /** A new instance (one more node) reading time from `clock`. */
  node(clock: Clock): Promise<RateLimiter>;
  /** Whether instances share their counts (a distributed adapter) or each counts alone (in memory). */
  readonly shared: boolean;
  close(): Promise<void>;
}

let counter = 0;

/**
 * The one conformance suite of the rate-limiter port: a sliding window per key (the current
 * and the previous fixed window, the previous weighted by its overlap), denied hits not
 * counted, retry times that are exact, atomic under concurrent hits, and — for distributed
 * adapters — one count across every node. Time is a fake clock; keys are unique per test.
 */
export function rateLimiterConformance(name: string, open: () => Promise<RateLimiterCluster>): void {
  describe(`rate limiter conformance: ${name}`, () => {
    let cluster: RateLimiterCluster | undefined;
    let t = 0;
    const clock: Clock = { now: () => t };
    let prefix = '';
    const key = (s: string) => `${prefix}:${s}`;
    const rule = { limit: 3, windowMs: 1000 };
    beforeEach(async () => {
      cluster = await open();
      t = 1_000_000; // a multiple of every window below
      prefix = `t${process.pid}x${Date.now().toString(36)}x${++counter}`;
    });
    afterEach(async () => {
      await cluster?.close();
      cluster = undefined;
    });
    const allowed = async (limiter: RateLimiter, k: string, r = rule) => (await limiter.hit(key(k), r)).allowed;

    it('allows up to the limit within a window, then denies with a retry time', async () => {
      const l = await cluster!.node(clock);
      for (let i = 0; i < 3; i++) expect(await allowed(l, 'k')).toBe(true);
      const denied = await l.hit(key('k'), rule);
      expect(denied.allowed).toBe(false);
      expect(denied.retryAfterMs).toBeGreaterThan(0);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(2000);
    });

    it('counts keys separately, emails and addresses included', async () => {
      const l = await cluster!.node(clock);
      for (let i = 0; i < 3; i++) await l.hit(key('auth:code:id:ada@example.com'), rule);
      expect(await allowed(l, 'auth:code:id:ada@example.com')).toBe(false);
      expect(await allowed(l, 'auth:code:id:ben@example.com')).toBe(true);
      expect(await allowed(l, 'auth:code:ip:::ffff:127.0.0.1')).toBe(true);
    });

    it('slides: hits of the previous window still count in proportion to their overlap', async () => {
      const l = await cluster!.node(clock);
      for (let i = 0; i < 3; i++) await l.hit(key('k'), rule);
      t += 1000; // the next fixed window; the previous 3 weigh fully
      expect(await allowed(l, 'k')).toBe(false);
      t += 400; // the previous weighs 0.6 → 1.8
      expect(await allowed(l, 'k')).toBe(true); // 1.8 + 1 <= 3
      expect(await allowed(l, 'k')).toBe(false); // 1.8 + 1 + 1 > 3
      t += 2000; // both windows over
      for (let i = 0; i < 3; i++) expect(await allowed(l, 'k')).toBe(true);
    });

    it('allows again exactly when retryAfterMs says', async () => {
      const l = await cluster!.node(clock);
      for (let i = 0; i < 3; i++) await l.hit(key('k'), rule);
      t += 250;
      const denied = await l.hit(key('k'), rule);
      expect(denied.allowed).toBe(false);
      t += denied.retryAfterMs - 1;
      expect(await allowed(l, 'k')).toBe(false);
      t += 1;
      expect(await allowed(l, 'k')).toBe(true);
    });

    it('does not count denied hits', async () => {
      const l = await cluster!.node(clock);
      for (let i = 0; i < 53; i++) await l.hit(key('k'), rule);
      t += 1000;
      expect(await allowed(l, 'k')).toBe(false); // the 3 allowed ones weigh fully, not 53
      t += 1000;
      for (let i = 0; i < 3; i++) expect(await allowed(l, 'k')).toBe(true);
    });

    it('a key hit under another window starts over', async () => {
      const l = await cluster!.node(clock);
      for (let i = 0; i < 3; i++) await l.hit(key('k'), rule);
      expect(await allowed(l, 'k', { limit: 3, windowMs: 10_000 })).toBe(true);
    });

    it('allows exactly the limit among concurrent hits', async () => {
      const l = await cluster!.node(clock);
      const results = await Promise.all([...Array(40).keys()].map(() => l.hit(key('burst'), { limit: 10, windowMs: 60_000 })));
      expect(results.filter((r) => r.allowed)).toHaveLength(10);
    });

    it('counts a key once across nodes: the limit holds for the cluster', async (ctx) => {
      if (!cluster!.shared) return ctx.skip(`${name}: each node counts alone (the default for one node)`);
      const [a, b, c] = [await cluster!.node(clock), await cluster!.node(clock), await cluster!.node(clock)];
      const big = { limit: 12, windowMs: 60_000 };
      const results = await Promise.all([...Array(30).keys()].map((i) => [a, b, c][i % 3]!.hit(key('shared'), big)));
      expect(results.filter((r) => r.allowed)).toHaveLength(12);
      for (const l of [a, b, c]) expect(await allowed(l, 'shared', big)).toBe(false);
      expect(await allowed(b, 'other', big)).toBe(true);
    });
  });
}

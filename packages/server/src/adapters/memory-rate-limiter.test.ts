import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from './memory-rate-limiter.js';

function setup(options: { sweepIntervalMs?: number; maxKeys?: number } = {}) {
  let t = 1_000_000; // a multiple of every window below
  const clock = { now: () => t };
  const limiter = new MemoryRateLimiter({ clock, ...options });
  return { limiter, advance: (ms: number) => (t += ms) };
}

const rule = { limit: 3, windowMs: 1000 };

describe('MemoryRateLimiter', () => {
  it('allows up to the limit within a window, then denies with a retry time', async () => {
    const { limiter } = setup();
    for (let i = 0; i < 3; i++) expect((await limiter.hit('k', rule)).allowed).toBe(true);
    const denied = await limiter.hit('k', rule);
    expect(denied.allowed).toBe(false);
    expect(denied.retryAfterMs).toBeGreaterThan(0);
    expect(denied.retryAfterMs).toBeLessThanOrEqual(2000);
  });

  it('counts keys separately', async () => {
    const { limiter } = setup();
    for (let i = 0; i < 3; i++) await limiter.hit('a', rule);
    expect((await limiter.hit('a', rule)).allowed).toBe(false);
    expect((await limiter.hit('b', rule)).allowed).toBe(true);
  });

  it('slides: hits of the previous window still count in proportion to their overlap', async () => {
    const { limiter, advance } = setup();
    for (let i = 0; i < 3; i++) await limiter.hit('k', rule);
    advance(1000); // next fixed window starts; the previous 3 weigh fully
    expect((await limiter.hit('k', rule)).allowed).toBe(false);
    advance(400); // previous weighs 0.6 → 1.8 estimated
    expect((await limiter.hit('k', rule)).allowed).toBe(true); // 1.8 + 1 <= 3
    expect((await limiter.hit('k', rule)).allowed).toBe(false); // 0.6*3 + 1 + 1 > 3
  });

  it('allows again exactly when retryAfterMs says', async () => {
    const { limiter, advance } = setup();
    for (let i = 0; i < 3; i++) await limiter.hit('k', rule);
    advance(250);
    const denied = await limiter.hit('k', rule);
    expect(denied.allowed).toBe(false);
    advance(denied.retryAfterMs - 1);
    expect((await limiter.hit('k', rule)).allowed).toBe(false);
    advance(1);
    expect((await limiter.hit('k', rule)).allowed).toBe(true);
  });

  it('does not count denied hits', async () => {
    const { limiter, advance } = setup();
    for (let i = 0; i < 3; i++) await limiter.hit('k', rule);
    for (let i = 0; i < 50; i++) await limiter.hit('k', rule);
    advance(2000); // both windows over
    for (let i = 0; i < 3; i++) expect((await limiter.hit('k', rule)).allowed).toBe(true);
  });

  it('sweeps keys idle for two windows', async () => {
    const { limiter, advance } = setup({ sweepIntervalMs: 500 });
    for (let i = 0; i < 100; i++) await limiter.hit(`ip-${i}`, rule);
    expect(limiter.size).toBe(100);
    advance(1500);
    await limiter.hit('fresh', rule); // previous windows still overlap: nothing to drop
    expect(limiter.size).toBe(101);
    advance(1000);
    await limiter.hit('fresh', rule);
    expect(limiter.size).toBe(1);
  });

  it('caps the number of keys, dropping the least recently used first', async () => {
    const { limiter } = setup({ maxKeys: 3 });
    for (let i = 0; i < 3; i++) await limiter.hit('a', rule);
    for (let i = 0; i < 3; i++) await limiter.hit('b', rule);
    await limiter.hit('c', rule);
    expect((await limiter.hit('a', rule)).allowed).toBe(false); // a is now the most recently used
    await limiter.hit('d', rule); // over the cap: b, the least recently used, goes
    expect(limiter.size).toBe(3);
    expect((await limiter.hit('a', rule)).allowed).toBe(false); // still tracked
    expect((await limiter.hit('b', rule)).allowed).toBe(true); // forgotten, so counted afresh
  });
});

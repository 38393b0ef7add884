import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

describe('Backoff (full jitter)', () => {
  it('waits a random time below a ceiling that doubles from the base up to the cap', () => {
    const b = new Backoff({ baseMs: 500, maxMs: 30_000 }, () => 0.999999);
    const delays = Array.from({ length: 10 }, () => b.next());
    expect(delays).toEqual([499, 999, 1999, 3999, 7999, 15_999, 29_999, 29_999, 29_999, 29_999]);
  });

  it('spreads delays over the whole range [0, ceiling)', () => {
    const values = [0, 0.25, 0.5];
    let i = 0;
    const b = new Backoff({ baseMs: 1000, maxMs: 60_000 }, () => values[i++]!);
    expect([b.next(), b.next(), b.next()]).toEqual([0, 500, 2000]);
  });

  it('starts from the base again after reset', () => {
    const b = new Backoff({ baseMs: 100, maxMs: 10_000 }, () => 0.999);
    b.next();
    b.next();
    b.next();
    expect(b.attempt).toBe(3);
    b.reset();
    expect(b.attempt).toBe(0);
    expect(b.next()).toBe(99);
  });

  it('uses 500 ms doubling to 30 s by default', () => {
    const b = new Backoff({}, () => 0.999999);
    expect(b.ceiling).toBe(500);
    for (let i = 0; i < 20; i++) b.next();
    expect(b.ceiling).toBe(30_000);
  });
});

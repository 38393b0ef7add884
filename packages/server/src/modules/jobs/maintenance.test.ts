import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createSqliteStore } from '@ottr/store-sqlite';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalMediaStore } from '../../adapters/local-media-store.js';
import { MemoryBus } from '../../adapters/memory-bus.js';
import { MemoryRateLimiter } from '../../adapters/memory-rate-limiter.js';
import { UlidGenerator } from '../../adapters/system-clock.js';
import { resolveServerConfig } from '../../config.js';
import type { Store } from '../../ports/index.js';
import { createServer, type OttrServer } from '../../server.js';

const PERIOD = 60_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % PERIOD) + 1000;

/** A server node on `store` whose log lines land in `lines`; closing it leaves the shared store open. */
function node(store: Store, clock: { now(): number }, lines: Record<string, unknown>[]): OttrServer {
  const logger = pino(
    new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
        done();
      },
    }),
  );
  const config = { ...resolveServerConfig({ port: 0, jobs: { pollMs: 10 }, maintenance: { periodMs: PERIOD } }), secret: 'x'.repeat(32) };
  const mediaStore = new LocalMediaStore({ dir: path.join(tmpdir(), `ottr-maintenance-${process.pid}`) });
  const deps = { store: { ...store, close: async () => undefined }, mediaStore, bus: new MemoryBus(), codeSender: { send: async () => undefined }, rateLimiter: new MemoryRateLimiter(), clock, ids: new UlidGenerator(), logger };
  return createServer(deps, config);
}

/** Resolves once `check` holds; the runners poll every 10 ms. */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
  expect(await check()).toBe(true);
}

describe('maintenance job', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  it('runs once per period on one of two nodes sharing a store, and purges what expired', async () => {
    const store = createSqliteStore({ path: ':memory:' });
    cleanup.push(() => store.close());
    let t = T0;
    const clock = { now: () => t };
    const logs: Record<string, unknown>[][] = [[], []];
    const nodes = logs.map((lines) => node(store, clock, lines));
    for (const n of nodes) cleanup.push(() => n.close());
    await store.auth.putCode({ identifier: 'email:old@example.com', codeHash: 'h', expiresAt: T0 - 1, attempts: 0, createdAt: T0 - 10 });
    await store.auth.putCode({ identifier: 'email:new@example.com', codeHash: 'h', expiresAt: T0 + 10 * PERIOD, attempts: 0, createdAt: T0 });

    const runs = () => logs.map((lines) => lines.filter((l) => l.msg === 'maintenance done').length);
    const jobOf = async (period: number) =>
      (await store.jobs.enqueue({ id: `probe_${period}`, kind: 'maintenance', payload: null, runAt: 0, now: t, dedupeKey: `maintenance:${period}` })).job;
    const period = Math.floor(T0 / PERIOD);

    await until(async () => (await jobOf(period)).status === 'done');
    expect(await store.auth.getCode('email:old@example.com')).toBeNull();
    expect(await store.auth.getCode('email:new@example.com')).not.toBeNull();

    // Later in the period: the job is not run again (it was claimed once: attempts 1).
    t += PERIOD / 2;
    await store.auth.putCode({ identifier: 'email:late@example.com', codeHash: 'h', expiresAt: t - 1, attempts: 0, createdAt: t - 10 });
    expect(await jobOf(period)).toMatchObject({ attempts: 1, status: 'done' });

    // The next period: one more run, on either node.
    t += PERIOD;
    await until(async () => (await jobOf(period + 1)).status === 'done');
    expect(runs().reduce((a, b) => a + b)).toBe(2);
    expect(await jobOf(period + 1)).toMatchObject({ attempts: 1, status: 'done' });
    expect(await jobOf(period)).toMatchObject({ attempts: 1, status: 'done' });
    expect(await store.auth.getCode('email:late@example.com')).toBeNull();
    expect(runs().reduce((a, b) => a + b)).toBe(2);
  });
});

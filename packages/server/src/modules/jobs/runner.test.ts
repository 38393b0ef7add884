import { createSqliteStore } from '@ottr/store-sqlite';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { JobRunner, RetryLater } from './runner.js';

describe('JobRunner', () => {
  const stores: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });

  it('a handler that throws RetryLater is tried again no sooner than it asked; other errors after the backoff', async () => {
    const store = createSqliteStore({ path: ':memory:' });
    stores.push(store);
    const t = 1_700_000_000_000;
    const runner = new JobRunner({ queue: store.jobs, clock: { now: () => t }, logger: pino({ level: 'silent' }), pollMs: 60_000, leaseMs: 60_000 });
    runner.handle('later', () => Promise.reject(new RetryLater('429: slow down', 30_000)));
    runner.handle('boom', () => Promise.reject(new Error('5xx')));
    await store.jobs.enqueue({ id: 'j1', kind: 'later', payload: null, runAt: t, backoffMs: 1000, now: t });
    await store.jobs.enqueue({ id: 'j2', kind: 'boom', payload: null, runAt: t, backoffMs: 1000, now: t });
    await runner.poll();
    expect(await store.jobs.get('j1')).toMatchObject({ status: 'pending', runAt: t + 30_000, lastError: '429: slow down' });
    expect(await store.jobs.get('j2')).toMatchObject({ status: 'pending', runAt: t + 1000 });
    await runner.stop();
  });
});

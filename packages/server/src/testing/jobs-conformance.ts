import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobQueue, JobRecord } from '../ports/index.js';

/** What the suite needs: a queue, and a way to release it. A Store is one. */
export interface JobQueueHandle {
  readonly jobs: JobQueue;
  close(): Promise<void>;
}

const T0 = 1_700_000_000_000;

/**
 * The one conformance suite of the job-queue port: every adapter runs it against a fresh
 * queue per test. Its test file is three lines:
 *
 *   import { jobQueueConformance } from '@ottr/server/testing';
 *   import { createSqliteStore } from './index.js';
 *   jobQueueConformance('sqlite', async () => createSqliteStore({ path: ':memory:' }));
 */
export function jobQueueConformance(name: string, open: () => Promise<JobQueueHandle>): void {
  describe(`job queue conformance: ${name}`, () => {
    let handle: JobQueueHandle | undefined;
    let n = 0;
    const q = (): JobQueue => handle!.jobs;
    beforeEach(async () => {
      handle = await open();
    });
    afterEach(async () => {
      await handle?.close();
      handle = undefined;
    });

    const add = async (opts: { kind?: string; runAt?: number; dedupeKey?: string; maxAttempts?: number; backoffMs?: number; payload?: unknown } = {}) => {
      const { job, created } = await q().enqueue({
        id: `job_${String(++n).padStart(6, '0')}`, kind: opts.kind ?? 'test', payload: opts.payload ?? { n }, runAt: opts.runAt ?? T0, now: T0,
        ...(opts.dedupeKey !== undefined && { dedupeKey: opts.dedupeKey }),
        ...(opts.maxAttempts !== undefined && { maxAttempts: opts.maxAttempts }),
        ...(opts.backoffMs !== undefined && { backoffMs: opts.backoffMs }),
      });
      expect(created).toBe(true);
      return job;
    };
    const claim = (worker: string, now: number, opts: { kinds?: string[]; limit?: number; leaseMs?: number } = {}) =>
      q().claim({ kinds: opts.kinds ?? ['test'], limit: opts.limit ?? 10, leaseMs: opts.leaseMs ?? 10_000, worker, now });
    const ids = (jobs: readonly JobRecord[]) => jobs.map((j) => j.id);

    it('enqueue stores a pending job with its payload as given', async () => {
      const payload = { to: ['a', 'b'], nested: { n: 1, ok: true, none: null }, text: 'héllo ✓' };
      const job = await add({ payload, runAt: T0 + 5 });
      expect(job).toMatchObject({ kind: 'test', payload, status: 'pending', runAt: T0 + 5, attempts: 0, maxAttempts: 5, worker: null, lastError: null, createdAt: T0, finishedAt: null, dedupeKey: null });
      expect(await q().get(job.id)).toEqual(job);
      expect(await q().get('job_missing')).toBeNull();
    });

    it('a dedupe key held by a job in the queue adds nothing, in any status, until the job is purged', async () => {
      const first = await add({ dedupeKey: 'period-1' });
      const again = await q().enqueue({ id: 'job_other', kind: 'test', payload: 1, runAt: T0, now: T0, dedupeKey: 'period-1' });
      expect(again).toEqual({ job: first, created: false });
      expect(await q().get('job_other')).toBeNull();
      const [claimed] = await claim('w1', T0);
      expect(await q().complete(claimed!.id, 'w1', T0 + 1)).toBe(true);
      expect((await q().enqueue({ id: 'job_other', kind: 'test', payload: 1, runAt: T0, now: T0, dedupeKey: 'period-1' })).created).toBe(false);
      expect(await q().purgeFinished(T0 + 2)).toBe(1);
      expect((await q().enqueue({ id: 'job_other', kind: 'test', payload: 1, runAt: T0, now: T0, dedupeKey: 'period-1' })).created).toBe(true);
    });

    it('claim takes due jobs of the asked kinds only, oldest due first, up to the limit, and leases them', async () => {
      const late = await add({ runAt: T0 + 30 });
      const early = await add({ runAt: T0 + 10 });
      const other = await add({ kind: 'other', runAt: T0 });
      const future = await add({ runAt: T0 + 1000 });
      const mid = await add({ runAt: T0 + 20 });
      expect(ids(await claim('w1', T0 + 100, { limit: 2, leaseMs: 500 }))).toEqual([early.id, mid.id]);
      const rest = await claim('w1', T0 + 100, { leaseMs: 500 });
      expect(ids(rest)).toEqual([late.id]);
      expect(rest[0]).toMatchObject({ status: 'running', worker: 'w1', attempts: 1, runAt: T0 + 600 });
      expect(await q().get(future.id)).toMatchObject({ status: 'pending', attempts: 0 });
      expect(ids(await claim('w2', T0 + 100, { kinds: ['other', 'test'] }))).toEqual([other.id]);
      expect(await claim('w2', T0 + 100, { kinds: [] })).toEqual([]);
    });

    it('two workers claiming at once never get the same job; together they get each one once', async () => {
      const all = new Set<string>();
      for (let i = 0; i < 60; i++) all.add((await add()).id);
      const rounds = await Promise.all(Array.from({ length: 30 }, (_, i) => claim(i % 2 ? 'w1' : 'w2', T0, { limit: 3 })));
      const claimed = rounds.flat();
      expect(claimed.length).toBe(60);
      expect(new Set(ids(claimed))).toEqual(all);
      for (const j of claimed) expect((await q().get(j.id))?.worker).toBe(j.worker);
    });

    it('a job whose lease ended is claimed again by another worker; the first one has lost it', async () => {
      const job = await add();
      await claim('w1', T0, { leaseMs: 1000 });
      expect(await claim('w2', T0 + 999)).toEqual([]);
      const [again] = await claim('w2', T0 + 1000, { leaseMs: 1000 });
      expect(again).toMatchObject({ id: job.id, worker: 'w2', attempts: 2, runAt: T0 + 2000 });
      expect(await q().complete(job.id, 'w1', T0 + 1001)).toBe(false);
      expect(await q().fail(job.id, 'w1', 'late', T0 + 1001)).toEqual({ outcome: 'lost' });
      expect(await q().complete(job.id, 'w2', T0 + 1002)).toBe(true);
      expect(await q().get(job.id)).toMatchObject({ status: 'done', worker: 'w2', finishedAt: T0 + 1002 });
      expect(await claim('w3', T0 + 10_000)).toEqual([]);
      expect(await q().complete(job.id, 'w2', T0 + 1003)).toBe(false);
    });

    it('a failed attempt is retried after a backoff that doubles; after the last attempt the job is dead', async () => {
      const job = await add({ maxAttempts: 3, backoffMs: 100 });
      await claim('w1', T0);
      expect(await q().fail(job.id, 'w1', 'boom 1', T0 + 10)).toEqual({ outcome: 'retry', runAt: T0 + 110 });
      expect(await q().get(job.id)).toMatchObject({ status: 'pending', lastError: 'boom 1', attempts: 1 });
      expect(await claim('w1', T0 + 109)).toEqual([]);
      expect(ids(await claim('w1', T0 + 110))).toEqual([job.id]);
      expect(await q().fail(job.id, 'w1', 'boom 2', T0 + 120)).toEqual({ outcome: 'retry', runAt: T0 + 320 });
      expect(ids(await claim('w2', T0 + 320))).toEqual([job.id]);
      expect(await q().fail(job.id, 'w2', 'boom 3', T0 + 330)).toEqual({ outcome: 'dead' });
      expect(await q().get(job.id)).toMatchObject({ status: 'dead', attempts: 3, lastError: 'boom 3', finishedAt: T0 + 330 });
      expect(await claim('w1', T0 + 10_000_000)).toEqual([]);
    });

    it('a retry waits for retryAfterMs when that is longer than the backoff', async () => {
      const job = await add({ maxAttempts: 3, backoffMs: 100 });
      await claim('w1', T0);
      expect(await q().fail(job.id, 'w1', 'throttled', T0 + 10, 5000)).toEqual({ outcome: 'retry', runAt: T0 + 5010 });
      expect(await claim('w1', T0 + 5009)).toEqual([]);
      expect(ids(await claim('w1', T0 + 5010))).toEqual([job.id]);
      expect(await q().fail(job.id, 'w1', 'throttled briefly', T0 + 5020, 50)).toEqual({ outcome: 'retry', runAt: T0 + 5220 });
    });

    it('a job whose lease ended after its last attempt is dead, not claimed again', async () => {
      const job = await add({ maxAttempts: 1 });
      await claim('w1', T0, { leaseMs: 100 });
      expect(await claim('w2', T0 + 100)).toEqual([]);
      expect(await q().get(job.id)).toMatchObject({ status: 'dead', attempts: 1, finishedAt: T0 + 100 });
      expect((await q().get(job.id))?.lastError).toMatch(/lease/);
    });

    it('purgeFinished deletes done and dead jobs finished before the time, nothing else', async () => {
      const done = await add();
      const dead = await add({ maxAttempts: 1 });
      const running = await add();
      const pending = await add({ runAt: T0 + 10_000 });
      const recent = await add();
      await claim('w1', T0, { limit: 4 });
      expect(await q().complete(done.id, 'w1', T0 + 1)).toBe(true);
      expect(await q().fail(dead.id, 'w1', 'x', T0 + 2)).toEqual({ outcome: 'dead' });
      expect(await q().complete(recent.id, 'w1', T0 + 50)).toBe(true);
      expect(await q().purgeFinished(T0 + 50)).toBe(2);
      expect(await q().get(done.id)).toBeNull();
      expect(await q().get(dead.id)).toBeNull();
      for (const j of [running, pending, recent]) expect(await q().get(j.id)).not.toBeNull();
    });
  });
}

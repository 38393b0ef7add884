/**
 * The job-queue port: durable background work (maintenance now; push notifications, webhooks,
 * SMS and campaign sends later). Every adapter passes the one conformance suite in
 * ../testing/jobs-conformance.ts.
 *
 * Delivery is at-least-once: a job is claimed by exactly one worker at a time, under a lease;
 * a worker that dies (or stalls past its lease) loses the job to the next claim, so handlers
 * must be idempotent. Times are ms since the epoch from the caller's clock, like the rest of
 * the storage port.
 *
 * The goal (ARCHITECTURE.md §4) is the transactional outbox: a job enqueued in the same
 * transaction as the change that causes it. The stores will offer that through their write
 * operations; `enqueue` here is the stand-alone form.
 */
export interface JobQueue {
  /**
   * Adds a job. With a `dedupeKey` that a job still in the queue has (in any status, until
   * `purgeFinished` removes it), nothing is added and that job is returned with `created` false:
   * e.g. one job per maintenance period however many nodes enqueue it.
   */
  enqueue(job: NewJob): Promise<{ job: JobRecord; created: boolean }>;
  /**
   * Claims up to `limit` due jobs of these kinds for `worker`, oldest due first: pending jobs
   * whose `runAt` has come, and running jobs whose lease has ended (their worker is presumed
   * dead). Each claim counts an attempt and leases the job until `now + leaseMs`. A job is
   * never handed to two concurrent claims. A running job whose lease ended after its last
   * attempt is not claimed: it becomes `dead`.
   */
  claim(opts: { kinds: readonly string[]; limit: number; leaseMs: number; worker: string; now: number }): Promise<JobRecord[]>;
  /** Marks a job this worker holds done. False when it does not hold it (any more): nothing changes. */
  complete(id: string, worker: string, now: number): Promise<boolean>;
  /**
   * Records a failed attempt of a job this worker holds: it runs again after a backoff
   * (`backoffMs` doubled per attempt, at most an hour) or after `retryAfterMs` when that is
   * longer (a service said when to come back), or, after its last attempt, it is `dead` (kept
   * for inspection). `lost` when the worker does not hold the job (any more).
   */
  fail(id: string, worker: string, error: string, now: number, retryAfterMs?: number): Promise<{ outcome: 'retry'; runAt: number } | { outcome: 'dead' } | { outcome: 'lost' }>;
  get(id: string): Promise<JobRecord | null>;
  /** Deletes done and dead jobs finished before `before`; returns how many. */
  purgeFinished(before: number): Promise<number>;
}

export type JobStatus = 'pending' | 'running' | 'done' | 'dead';

export interface NewJob {
  /** Caller-chosen unique id. */
  id: string;
  kind: string;
  /** Any JSON value; handed back as it was given. */
  payload: unknown;
  /** Not before this time. */
  runAt: number;
  dedupeKey?: string;
  /** Attempts before the job is dead. Default 5. */
  maxAttempts?: number;
  /** Delay before the first retry, doubled on each further one. Default 1000. */
  backoffMs?: number;
  /** Enqueue time. */
  now: number;
}

export interface JobRecord {
  id: string;
  kind: string;
  payload: unknown;
  dedupeKey: string | null;
  status: JobStatus;
  /** Pending: when it may run. Running: when its lease ends. Done/dead: when it would have run last. */
  runAt: number;
  /** Claims so far. */
  attempts: number;
  maxAttempts: number;
  /** Running: who holds it. Done/dead: who finished it. */
  worker: string | null;
  lastError: string | null;
  createdAt: number;
  finishedAt: number | null;
}

/** Defaults and the backoff rule every adapter applies. */
export const JOB_DEFAULTS = { maxAttempts: 5, backoffMs: 1000, maxBackoffMs: 3600_000 } as const;

/** Delay before the next try after failed attempt number `attempts` (1-based). */
export function retryDelay(backoffMs: number, attempts: number): number {
  return Math.min(JOB_DEFAULTS.maxBackoffMs, backoffMs * 2 ** Math.max(0, attempts - 1));
}

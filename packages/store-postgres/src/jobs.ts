import { JOB_DEFAULTS, retryDelay, type JobQueue, type JobRecord, type NewJob } from '@ottr/server';
import { toJob, type JobRow } from '@ottr/server/storage-kit';
import { json, type Conn, type Db, type Param } from './db.js';

/** Errors are kept for inspection, not as logs: the first few KiB. */
const ERROR_KEPT = 4000;

/** The columns a new job is inserted with; the values (status 'pending' between dedupe_key and due_at): jobValues. */
export const JOB_INSERT_COLUMNS = 'id, kind, payload, dedupe_key, status, due_at, max_attempts, backoff_ms, created_at';

/** A new job's values for JOB_INSERT_COLUMNS, without the status. */
export const jobValues = (j: NewJob): Param[] => [
  j.id, j.kind, json(j.payload ?? null), j.dedupeKey ?? null, j.runAt, j.maxAttempts ?? JOB_DEFAULTS.maxAttempts, j.backoffMs ?? JOB_DEFAULTS.backoffMs, j.now,
];

/**
 * JobQueue.enqueue on the pool, or on a transaction's connection (a transactional outbox, e.g.
 * media.create: the job commits or rolls back with the change that causes it).
 */
export async function enqueueJob(c: Conn, j: NewJob): Promise<{ job: JobRecord; created: boolean }> {
  const row = await c.row<JobRow>(
    `INSERT INTO jobs (${JOB_INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8) ON CONFLICT (dedupe_key) DO NOTHING RETURNING *`,
    ...jobValues(j),
  );
  if (row !== undefined) return { job: toJob(row), created: true };
  const existing = await c.row<JobRow>('SELECT * FROM jobs WHERE dedupe_key = $1', j.dedupeKey!);
  // Purged between the two statements: enqueue anew.
  return existing === undefined ? enqueueJob(c, j) : { job: toJob(existing), created: false };
}

/**
 * The job queue on PostgreSQL. Claims are one statement: `FOR UPDATE SKIP LOCKED` picks due
 * rows no other claim holds, and the same statement leases them; a row another claim leased
 * and committed meanwhile is re-checked against the WHERE clause and skipped. So concurrent
 * workers on any number of nodes never get the same job.
 */
export function createJobQueue(db: Db): JobQueue {
  return {
    enqueue: (j) => enqueueJob(db, j),

    async claim({ kinds, limit, leaseMs, worker, now }) {
      if (limit < 1 || kinds.length === 0) return [];
      // A running job whose lease ended after its last attempt is dead, not claimed again.
      await db.run(
        `UPDATE jobs SET status = 'dead', finished_at = $2, last_error = coalesce(last_error, 'lease expired')
         WHERE status = 'running' AND due_at <= $2 AND attempts >= max_attempts AND kind = ANY($1::text[])`,
        kinds, now,
      );
      const rows = await db.rows<JobRow & { was_due: number }>(
        `WITH picked AS (
           SELECT id, due_at FROM jobs
           WHERE status IN ('pending', 'running') AND due_at <= $2 AND attempts < max_attempts AND kind = ANY($1::text[])
           ORDER BY due_at, id LIMIT $3 FOR UPDATE SKIP LOCKED
         )
         UPDATE jobs j SET status = 'running', worker = $4, due_at = $2 + $5, attempts = j.attempts + 1
         FROM picked WHERE j.id = picked.id RETURNING j.*, picked.due_at AS was_due`,
        kinds, now, limit, worker, leaseMs,
      );
      return rows.sort((a, b) => a.was_due - b.was_due || (a.id < b.id ? -1 : 1)).map(toJob);
    },

    async complete(id, worker, now) {
      const n = await db.run("UPDATE jobs SET status = 'done', finished_at = $3 WHERE id = $1 AND worker = $2 AND status = 'running'", id, worker, now);
      return n === 1;
    },

    async fail(id, worker, error, now, retryAfterMs = 0) {
      return db.tx(async (c) => {
        const row = await c.row<JobRow>("SELECT * FROM jobs WHERE id = $1 AND worker = $2 AND status = 'running' FOR UPDATE", id, worker);
        if (row === undefined) return { outcome: 'lost' as const };
        const message = error.slice(0, ERROR_KEPT);
        if (row.attempts >= row.max_attempts) {
          await c.run("UPDATE jobs SET status = 'dead', last_error = $2, finished_at = $3 WHERE id = $1", id, message, now);
          return { outcome: 'dead' as const };
        }
        const runAt = now + Math.max(retryDelay(row.backoff_ms, row.attempts), retryAfterMs);
        await c.run("UPDATE jobs SET status = 'pending', last_error = $2, due_at = $3 WHERE id = $1", id, message, runAt);
        return { outcome: 'retry' as const, runAt };
      });
    },

    async get(id) {
      const row = await db.row<JobRow>('SELECT * FROM jobs WHERE id = $1', id);
      return row === undefined ? null : toJob(row);
    },

    async purgeFinished(before) {
      return db.run("DELETE FROM jobs WHERE status IN ('done', 'dead') AND finished_at < $1", before);
    },
  };
}

import { JOB_DEFAULTS, retryDelay, type JobQueue, type JobRecord, type NewJob } from '@ottr/server';
import { toJob, type JobRow } from '@ottr/server/storage-kit';
import { json, type Db } from './db.js';

/** Errors are kept for inspection, not as logs: the first few KiB. */
const ERROR_KEPT = 4000;

/**
 * JobQueue.enqueue; inside another write transaction (a transactional outbox, e.g. media.create)
 * it is part of that transaction.
 */
export function enqueueJob(db: Db, j: NewJob): { job: JobRecord; created: boolean } {
  return db.write(() => {
    const existing = j.dedupeKey === undefined ? undefined : db.get<JobRow>('SELECT * FROM jobs WHERE dedupe_key = ?', j.dedupeKey);
    if (existing !== undefined) return { job: toJob(existing), created: false };
    db.run(
      `INSERT INTO jobs (id, kind, payload, dedupe_key, status, due_at, max_attempts, backoff_ms, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
      j.id, j.kind, json(j.payload ?? null), j.dedupeKey ?? null, j.runAt, j.maxAttempts ?? JOB_DEFAULTS.maxAttempts, j.backoffMs ?? JOB_DEFAULTS.backoffMs, j.now,
    );
    return { job: toJob(db.get<JobRow>('SELECT * FROM jobs WHERE id = ?', j.id)!), created: true };
  });
}

/**
 * The job queue on SQLite. Each call is one synchronous write transaction on the store's one
 * connection, so a claim reads and leases its jobs with nothing in between: no job goes to
 * two claims. (One process per database file, as for the rest of this store.)
 */
export function createJobQueue(db: Db): JobQueue {
  const load = (id: string): JobRecord | null => {
    const row = db.get<JobRow>('SELECT * FROM jobs WHERE id = ?', id);
    return row === undefined ? null : toJob(row);
  };

  return {
    enqueue: async (j) => enqueueJob(db, j),

    async claim({ kinds, limit, leaseMs, worker, now }) {
      if (limit < 1 || kinds.length === 0) return [];
      return db.write(() => {
        const kindList = json(kinds);
        // A running job whose lease ended after its last attempt is dead, not claimed again.
        db.run(
          `UPDATE jobs SET status = 'dead', finished_at = ?, last_error = coalesce(last_error, 'lease expired')
           WHERE status = 'running' AND due_at <= ? AND attempts >= max_attempts AND kind IN (SELECT value FROM json_each(?))`,
          now, now, kindList,
        );
        const due = db.all<{ id: string }>(
          `SELECT id FROM jobs WHERE status IN ('pending', 'running') AND due_at <= ? AND attempts < max_attempts
             AND kind IN (SELECT value FROM json_each(?))
           ORDER BY due_at, id LIMIT ?`,
          now, kindList, limit,
        );
        const order = new Map(due.map((r, i) => [r.id, i]));
        const rows = db.all<JobRow>(
          "UPDATE jobs SET status = 'running', worker = ?, due_at = ?, attempts = attempts + 1 WHERE id IN (SELECT value FROM json_each(?)) RETURNING *",
          worker, now + leaseMs, json(due.map((r) => r.id)),
        );
        return rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!).map(toJob);
      });
    },

    async complete(id, worker, now) {
      return db.run("UPDATE jobs SET status = 'done', finished_at = ? WHERE id = ? AND worker = ? AND status = 'running'", now, id, worker).changes === 1;
    },

    async fail(id, worker, error, now, retryAfterMs = 0) {
      return db.write(() => {
        const row = db.get<JobRow>("SELECT * FROM jobs WHERE id = ? AND worker = ? AND status = 'running'", id, worker);
        if (row === undefined) return { outcome: 'lost' as const };
        const message = error.slice(0, ERROR_KEPT);
        if (row.attempts >= row.max_attempts) {
          db.run("UPDATE jobs SET status = 'dead', last_error = ?, finished_at = ? WHERE id = ?", message, now, id);
          return { outcome: 'dead' as const };
        }
        const runAt = now + Math.max(retryDelay(row.backoff_ms, row.attempts), retryAfterMs);
        db.run("UPDATE jobs SET status = 'pending', last_error = ?, due_at = ? WHERE id = ?", message, runAt, id);
        return { outcome: 'retry' as const, runAt };
      });
    },

    get: async (id) => load(id),

    async purgeFinished(before) {
      return db.run("DELETE FROM jobs WHERE status IN ('done', 'dead') AND finished_at < ?", before).changes;
    },
  };
}

/**
 * The job queue (jobs.ts). due_at: when a pending job may run, or when a running job's lease
 * ends (then another worker may claim it). dedupe_key: unique while the row exists.
 */
export const sql = `
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  dedupe_key TEXT UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'dead')),
  due_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  backoff_ms INTEGER NOT NULL,
  worker TEXT,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  finished_at INTEGER
) WITHOUT ROWID;
CREATE INDEX jobs_due ON jobs (due_at) WHERE status IN ('pending', 'running');
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE status IN ('done', 'dead');
`;

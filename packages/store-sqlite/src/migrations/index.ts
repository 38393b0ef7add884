import type Database from 'better-sqlite3';
import { sql as init } from './0001_init.js';
import { sql as accountAdmin } from './0002_account_admin.js';
import { sql as jobs } from './0003_jobs.js';
import { sql as media } from './0004_media.js';
import { sql as push } from './0005_push.js';

/** Schema changes in order. Append only: a released migration is never edited. */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  { version: 1, name: 'init', sql: init },
  { version: 2, name: 'account_admin', sql: accountAdmin },
  { version: 3, name: 'jobs', sql: jobs },
  { version: 4, name: 'media', sql: media },
  { version: 5, name: 'push', sql: push },
];

/**
 * Applies the migrations the database has not seen yet, each in its own transaction together
 * with its row in `schema_migrations`. Returns the versions applied now.
 */
export function migrate(db: Database.Database, now: number): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const done: number[] = [];
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, now);
    }).immediate();
    done.push(m.version);
  }
  return done;
}

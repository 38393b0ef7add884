import { sql as init } from './0001_init.js';
import { sql as sharedState } from './0002_shared_state.js';
import { sql as media } from './0003_media.js';
import { sql as push } from './0004_push.js';
import type { Db } from '../db.js';

/** Schema changes in order. Append only: a released migration is never edited. */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  { version: 1, name: 'init', sql: init },
  { version: 2, name: 'shared_state', sql: sharedState },
  { version: 3, name: 'media', sql: media },
  { version: 4, name: 'push', sql: push },
];

/** Advisory lock key of migrations (any constant; 0x6f747472 is "ottr"). */
const MIGRATION_LOCK = 0x6f747472;

/**
 * Applies the migrations the database has not seen yet, each in its own transaction together
 * with its row in `schema_migrations`, and returns the versions applied now. Nodes starting
 * together on one database take turns on a session-level advisory lock: the first applies the
 * migrations, the others then find them recorded and apply nothing.
 */
export async function migrate(db: Db, now: number): Promise<number[]> {
  const client = await db.pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)');
      const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
      const done: number[] = [];
      for (const m of MIGRATIONS) {
        if (applied.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, now]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
        done.push(m.version);
      }
      return done;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } catch (error) {
    broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(broken);
  }
}

import type { Store } from '@ottr/server';
import Database from 'better-sqlite3';
import { createAccountStore } from './accounts.js';
import { createAuthStore } from './auth.js';
import { createConversationStore } from './conversations.js';
import { Db } from './db.js';
import { createEventStore } from './events.js';
import { migrate } from './migrations/index.js';
import { createSyncStore } from './sync.js';
import { Writer } from './writer.js';

export interface SqliteStoreOptions {
  /** Database file, or ':memory:'. */
  path: string;
}

export interface SqliteStore extends Store {
  /** Write transactions committed, and operations committed through group commit. */
  stats(): { commits: number; batched: number };
}

/**
 * The storage port on one SQLite file: WAL, synchronous=FULL (an acknowledged write survives
 * a crash or power loss), foreign keys, one connection and one writer (see writer.ts).
 */
export function createSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const raw = new Database(options.path);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  migrate(raw, Date.now());
  const db = new Db(raw);
  const writer = new Writer(db);
  return {
    accounts: createAccountStore(db),
    auth: createAuthStore(db),
    conversations: createConversationStore(db, writer),
    events: createEventStore(db, writer),
    sync: createSyncStore(db),
    stats: () => writer.stats(),
    async close() {
      writer.close();
      raw.close();
    },
  };
}

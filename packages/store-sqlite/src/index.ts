import type { Store } from '@ottr/server';
import { createAccountStore } from './accounts.js';
import { createAuthStore } from './auth.js';
import { createConversationStore } from './conversations.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { Db } from './db.js';
import { exportAll, importAll } from './dump.js';
import { createEventStore } from './events.js';
import { createJobQueue } from './jobs.js';
import { createMediaStore } from './media.js';
import { openDatabase } from './open.js';
import { lockDatabase } from './owner-lock.js';
import { createPushStore } from './push.js';
import { createSyncStore } from './sync.js';
import { Writer } from './writer.js';

export interface SqliteStoreOptions {
  /** Database file, or ':memory:'. */
  path: string;
  /** A background WAL checkpoint failed (it is retried on the next round). */
  onCheckpointError?: (message: string) => void;
}

export interface SqliteStore extends Store {
  /** Write transactions committed, and operations committed through group commit. */
  stats(): { commits: number; batched: number };
}

export { DatabaseInUseError } from './owner-lock.js';

/** The storage port on one SQLite file, one connection and one writer (see open.ts, writer.ts); one process per file (owner-lock.ts). */
export function createSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const release = options.path === ':memory:' ? () => undefined : lockDatabase(options.path);
  let raw: ReturnType<typeof openDatabase>;
  try {
    raw = openDatabase(options.path);
  } catch (err) {
    release();
    throw err;
  }
  // A file database checkpoints on a worker thread, never in the writer's COMMIT (checkpointer.ts).
  let checkpointer: Checkpointer | null = null;
  if (options.path !== ':memory:') {
    raw.pragma('wal_autocheckpoint = 0');
    checkpointer = startCheckpointer(options.path, 100, options.onCheckpointError);
  }
  const db = new Db(raw);
  const writer = new Writer(db);
  return {
    accounts: createAccountStore(db),
    auth: createAuthStore(db),
    conversations: createConversationStore(db, writer),
    events: createEventStore(db, writer),
    sync: createSyncStore(db),
    media: createMediaStore(db),
    push: createPushStore(db),
    jobs: createJobQueue(db),
    stats: () => writer.stats(),
    exportAll: () => exportAll(db),
    importAll: (source) => importAll(db, writer, source),
    async close() {
      writer.close();
      await checkpointer?.stop();
      raw.close();
      release();
    },
  };
}

import Database from 'better-sqlite3';
import { migrate } from './migrations/index.js';

/**
 * Opens (creating if needed) the database file and brings its schema up to date. WAL lets
 * readers run beside the writer; synchronous=FULL makes every COMMIT durable before it returns,
 * so an acknowledged message survives a crash or power loss.
 */
export function openDatabase(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, Date.now());
  return db;
}

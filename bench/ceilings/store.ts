/**
 * The store ceiling: bare inserts into SQLite with ottr's durability settings (WAL,
 * synchronous=FULL), one row per transaction, each committed before the next starts — what a
 * server that acknowledges each message only after its own commit could do at most. ottr commits
 * many messages per transaction (group commit), so its message rate can pass this figure.
 *
 *   node --import tsx bench/ceilings/store.ts <seconds> <rowBytes>   (prints {"rowsPerSecond":…})
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

const seconds = Number(process.argv[2] ?? 3);
const rowBytes = Number(process.argv[3] ?? 100);
const dir = mkdtempSync(path.join(tmpdir(), 'ottr-bench-store-'));
const db = new Database(path.join(dir, 'ceiling.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE rows (id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL)');
const insert = db.prepare('INSERT INTO rows (id, conversation_id, seq, body) VALUES (?, ?, ?, ?)');
const body = 'x'.repeat(rowBytes);
let rows = 0;
const until = performance.now() + seconds * 1000;
const started = performance.now();
while (performance.now() < until) {
  insert.run(`msg_${String(rows).padStart(26, '0')}`, 'cnv_00000000000000000000000001', rows + 1, body);
  rows++;
}
const elapsed = (performance.now() - started) / 1000;
db.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ rowsPerSecond: rows / elapsed })}\n`);

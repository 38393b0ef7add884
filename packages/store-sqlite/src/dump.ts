import type { Content } from '@ottr/protocol';
import type { ExportBatch } from '@ottr/server';
import { checkedBatches, DUMP_BATCH, DUMP_TABLES, ImportError, NOT_EMPTY, searchText, type DumpValue } from '@ottr/server/storage-kit';
import type { Db, Param } from './db.js';
import type { Writer } from './writer.js';

/** Store.exportAll: every table in DUMP_TABLES' shape; flags 0/1 become booleans. */
export async function* exportAll(db: Db): AsyncGenerator<ExportBatch> {
  for (const table of DUMP_TABLES) {
    if (table.name === 'store') {
      yield { table: 'store', rows: [{ version: db.value<number>("SELECT value FROM meta WHERE key = 'version'") ?? 0 }] };
      continue;
    }
    const rows = db.raw.prepare(`SELECT ${table.columns.join(', ')} FROM ${table.name} ORDER BY ${table.orderBy}`).iterate() as IterableIterator<Record<string, unknown>>;
    let batch: Record<string, unknown>[] = [];
    for (const row of rows) {
      for (const b of table.booleans ?? []) row[b] = row[b] === 1;
      batch.push(row);
      if (batch.length === DUMP_BATCH) {
        yield { table: table.name, rows: batch };
        batch = [];
      }
    }
    if (batch.length > 0) yield { table: table.name, rows: batch };
  }
}

const EMPTY = 'SELECT EXISTS (SELECT 1 FROM accounts) OR EXISTS (SELECT 1 FROM conversations) OR EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM jobs) OR EXISTS (SELECT 1 FROM auth_codes)';

/**
 * Store.importAll: one write transaction over the whole load (nothing else writes meanwhile:
 * the connection is this store's only one), the search index rebuilt from message content.
 */
export async function importAll(db: Db, writer: Writer, source: AsyncIterable<ExportBatch>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  db.raw.exec('BEGIN IMMEDIATE');
  try {
    if (db.value<number>(EMPTY) !== 0) throw new ImportError(NOT_EMPTY);
    for await (const { table, rows } of checkedBatches(source)) {
      counts[table.name] = (counts[table.name] ?? 0) + rows.length;
      if (table.name === 'store') {
        db.run("UPDATE meta SET value = ? WHERE key = 'version'", rows[0]![0] as number);
        continue;
      }
      const flags = (table.booleans ?? []).map((b) => table.columns.indexOf(b));
      const insert = `INSERT INTO ${table.name} (${table.columns.join(', ')}) VALUES (${table.columns.map(() => '?').join(', ')})`;
      const type = table.columns.indexOf('type');
      const content = table.columns.indexOf('content');
      for (const row of rows) {
        const params = row.map((v, i): Param => (flags.includes(i) ? (v === true || v === 1 ? 1 : 0) : (v as Exclude<DumpValue, boolean>)));
        const { lastInsertRowid } = db.run(insert, ...params);
        if (table.name === 'events' && row[type] === 'message' && typeof row[content] === 'string') {
          const text = searchText(JSON.parse(row[content]) as Content);
          if (text !== null) db.run('INSERT INTO message_fts (rowid, body) VALUES (?, ?)', lastInsertRowid, text);
        }
      }
    }
    db.raw.exec('COMMIT');
  } catch (error) {
    if (db.raw.inTransaction) db.raw.exec('ROLLBACK');
    throw error;
  }
  writer.reload();
  return counts;
}

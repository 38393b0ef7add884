import type pg from 'pg';
import type { Content } from '@ottr/protocol';
import type { ExportBatch } from '@ottr/server';
import { checkedBatches, DUMP_BATCH, DUMP_TABLES, ImportError, NOT_EMPTY, searchText } from '@ottr/server/storage-kit';
import type { Db } from './db.js';

/** The select list of a table's export; events get their commit's version from conversation_commits. */
function selectList(name: string, columns: readonly string[]): string {
  if (name !== 'events') return columns.join(', ');
  return columns
    .map((c) =>
      c === 'version'
        ? '(SELECT cc.version FROM conversation_commits cc WHERE cc.conversation_id = events.conversation_id AND events.seq BETWEEN cc.first_seq AND cc.last_seq) AS version'
        : c,
    )
    .join(', ');
}

/** Store.exportAll: every table in DUMP_TABLES' shape, read in one REPEATABLE READ snapshot. */
export async function* exportAll(db: Db): AsyncGenerator<ExportBatch> {
  const client = await db.pool.connect();
  let committed = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    for (const table of DUMP_TABLES) {
      if (table.name === 'store') {
        const r = await client.query<{ version: number }>('SELECT version FROM version_counter');
        yield { table: 'store', rows: [{ version: r.rows[0]?.version ?? 0 }] };
        continue;
      }
      const sql = `SELECT ${selectList(table.name, table.columns)} FROM ${table.name} ORDER BY ${table.orderBy} LIMIT ${DUMP_BATCH} OFFSET $1`;
      for (let offset = 0; ; offset += DUMP_BATCH) {
        const { rows } = await client.query<Record<string, unknown>>(sql, [offset]);
        if (rows.length > 0) yield { table: table.name, rows };
        if (rows.length < DUMP_BATCH) break;
      }
    }
    await client.query('COMMIT');
    committed = true;
  } finally {
    // Also when the reader stopped early (the generator is returned mid-way).
    if (!committed) await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

const EMPTY = 'SELECT EXISTS (SELECT 1 FROM accounts) OR EXISTS (SELECT 1 FROM conversations) OR EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM jobs) OR EXISTS (SELECT 1 FROM auth_codes) AS used';

/** A message's searchable text as events.body holds it (see events.ts). */
const body = (type: unknown, content: unknown): string | null => {
  if (type !== 'message' || typeof content !== 'string') return null;
  const text = searchText(JSON.parse(content) as Content);
  return text === null ? null : text.replaceAll('\0', ' ');
};

async function insertRows(client: pg.PoolClient, table: string, columns: readonly string[], rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const values: unknown[] = [];
  const tuples = rows.map((row) => `(${row.map((v) => (values.push(v), `$${values.length}`)).join(', ')})`);
  await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values);
}

/**
 * Store.importAll: one transaction. Events get body (the search index follows it) and no pk
 * (the identity assigns them in export order); conversation_commits is rebuilt from the
 * events' versions; the version counter is set last.
 */
export async function importAll(db: Db, source: AsyncIterable<ExportBatch>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    // Two imports at once: the second waits here, then finds the store not empty.
    await client.query('LOCK TABLE accounts, conversations, events, jobs, auth_codes IN EXCLUSIVE MODE');
    if ((await client.query<{ used: boolean }>(EMPTY)).rows[0]?.used) throw new ImportError(NOT_EMPTY);
    await client.query('CREATE TEMP TABLE import_versions (conversation_id text COLLATE "C", seq bigint, version bigint) ON COMMIT DROP');
    for await (const { table, rows } of checkedBatches(source)) {
      counts[table.name] = (counts[table.name] ?? 0) + rows.length;
      if (table.name === 'store') {
        await client.query('UPDATE version_counter SET version = $1', [rows[0]![0]]);
        continue;
      }
      if (table.name !== 'events') {
        const flags = (table.booleans ?? []).map((b) => table.columns.indexOf(b));
        await insertRows(client, table.name, table.columns, rows.map((r) => r.map((v, i) => (flags.includes(i) ? v === true || v === 1 : v))));
        continue;
      }
      const at = (c: string) => table.columns.indexOf(c);
      const columns = table.columns.filter((c) => c !== 'version');
      await insertRows(client, 'events', [...columns, 'body'], rows.map((r) => [...columns.map((c) => r[at(c)]), body(r[at('type')], r[at('content')])]));
      await insertRows(client, 'import_versions', ['conversation_id', 'seq', 'version'], rows.map((r) => [r[at('conversation_id')], r[at('seq')], r[at('version')]]));
    }
    await client.query(
      `INSERT INTO conversation_commits (conversation_id, version, first_seq, last_seq)
       SELECT conversation_id, version, min(seq), max(seq) FROM import_versions WHERE version IS NOT NULL GROUP BY conversation_id, version`,
    );
    await client.query('COMMIT');
    return counts;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

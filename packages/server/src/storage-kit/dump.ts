import type { ExportBatch } from '../ports/store.js';
import { MEDIA_COLUMNS } from './media-rows.js';

/**
 * The store-neutral shape of an export (Store.exportAll / importAll): every durable table in
 * dependency order, each row with exactly these columns. Values are JSON scalars: times, seqs
 * and counts as numbers, flags (`booleans`) as booleans, JSON columns (content, data, payload,
 * params, dnd) as their text, kept byte for byte. `events.version` is the commit that appended
 * the event (SQLite keeps it on the row, PostgreSQL in conversation_commits); the search index
 * is not exported but rebuilt from message content. The last table, `store`, is one row of
 * counters.
 */
export interface DumpTable {
  name: string;
  columns: readonly string[];
  /** Columns that are booleans in the export (0/1 in SQLite). */
  booleans?: readonly string[];
  /** ORDER BY of the export: the key, or insertion order (events). */
  orderBy: string;
}

export const DUMP_TABLES: readonly DumpTable[] = [
  {
    name: 'accounts',
    columns: ['id', 'phone', 'email', 'display_name', 'about', 'avatar', 'presence_privacy', 'created_at', 'last_seen_at', 'suspended_at', 'deleted_at'],
    orderBy: 'id',
  },
  { name: 'blocks', columns: ['blocker', 'blocked', 'created_at'], orderBy: 'blocker, blocked' },
  { name: 'auth_codes', columns: ['identifier', 'code_hash', 'expires_at', 'attempts', 'created_at'], orderBy: 'identifier' },
  { name: 'devices', columns: ['id', 'account_id', 'name', 'platform', 'created_at', 'last_active_at', 'revoked_at'], orderBy: 'id' },
  { name: 'tokens', columns: ['hash', 'device_id', 'kind', 'expires_at', 'rotated_at'], orderBy: 'hash' },
  {
    name: 'conversations',
    columns: ['id', 'kind', 'title', 'description', 'direct_a', 'direct_b', 'created_at', 'last_seq', 'last_event_at', 'member_count'],
    orderBy: 'id',
  },
  {
    name: 'memberships',
    columns: [
      'conversation_id', 'account_id', 'role', 'status', 'join_seq', 'joined_seq', 'left_seq', 'read_seq', 'delivered_seq',
      'mute_until', 'archived', 'pinned', 'version', 'receipt_version',
    ],
    booleans: ['archived', 'pinned'],
    orderBy: 'conversation_id, account_id',
  },
  {
    name: 'events',
    columns: ['id', 'conversation_id', 'seq', 'version', 'type', 'sender', 'at', 'target', 'content', 'data', 'edited_at', 'deleted_at'],
    orderBy: 'pk',
  },
  { name: 'edit_history', columns: ['message_id', 'seq', 'at', 'content'], orderBy: 'message_id, seq' },
  { name: 'reactions', columns: ['message_id', 'account_id', 'emoji', 'event_id', 'seq'], orderBy: 'message_id, account_id, emoji' },
  { name: 'idempotency', columns: ['device_id', 'client_msg_id', 'event_id', 'created_at'], orderBy: 'device_id, client_msg_id' },
  {
    name: 'jobs',
    columns: ['id', 'kind', 'payload', 'dedupe_key', 'status', 'due_at', 'attempts', 'max_attempts', 'backoff_ms', 'worker', 'last_error', 'created_at', 'finished_at'],
    orderBy: 'id',
  },
  { name: 'media', columns: MEDIA_COLUMNS, orderBy: 'id' },
  { name: 'media_refs', columns: ['media_id', 'message_id', 'conversation_id', 'seq'], orderBy: 'media_id, message_id' },
  { name: 'sticker_packs', columns: ['id', 'owner_id', 'title', 'created_at'], orderBy: 'id' },
  { name: 'stickers', columns: ['pack_id', 'media_id', 'emoji', 'added_at', 'position'], orderBy: 'pack_id, media_id' },
  { name: 'sticker_installs', columns: ['account_id', 'pack_id', 'installed_at'], orderBy: 'account_id, pack_id' },
  { name: 'push_targets', columns: ['device_id', 'kind', 'account_id', 'address', 'params', 'created_at', 'updated_at'], orderBy: 'device_id, kind' },
  {
    name: 'notification_settings',
    columns: ['account_id', 'privacy', 'mentions_break_mute', 'dnd'],
    booleans: ['mentions_break_mute'],
    orderBy: 'account_id',
  },
  { name: 'push_state', columns: ['account_id', 'conversation_id', 'notified_seq', 'cleared_seq', 'updated_at'], orderBy: 'account_id, conversation_id' },
  /** The counters: the store-wide version. */
  { name: 'store', columns: ['version'], orderBy: '' },
];

/** Rows per batch of an export. */
export const DUMP_BATCH = 500;

export type DumpValue = string | number | boolean | null;

/** Thrown (by importAll) for a store that already holds data or an export that is not well-formed. */
export class ImportError extends Error {
  override readonly name = 'ImportError';
}

/**
 * Checks an export as importAll reads it: known tables in dependency order, rows with known
 * columns and scalar values, the counters last. Yields each batch's table and its rows as value
 * arrays in `columns` order (missing columns are null).
 */
export async function* checkedBatches(source: AsyncIterable<ExportBatch>): AsyncGenerator<{ table: DumpTable; rows: DumpValue[][] }> {
  let at = 0;
  let counters = false;
  for await (const batch of source) {
    const index = DUMP_TABLES.findIndex((t) => t.name === batch.table);
    if (index < 0) throw new ImportError(`unknown table '${String(batch.table)}' in the export`);
    if (index < at) throw new ImportError(`table '${batch.table}' out of order in the export`);
    if (counters) throw new ImportError("data after the 'store' counters in the export");
    at = index;
    const table = DUMP_TABLES[index]!;
    if (!Array.isArray(batch.rows)) throw new ImportError(`rows of '${batch.table}' are not a list`);
    const rows = batch.rows.map((row) => {
      for (const key of Object.keys(row)) if (!table.columns.includes(key)) throw new ImportError(`unknown column '${table.name}.${key}' in the export`);
      return table.columns.map((c) => {
        const v = row[c] ?? null;
        if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new ImportError(`'${table.name}.${c}' is not a scalar in the export`);
        return v;
      });
    });
    if (table.name === 'store') {
      if (rows.length !== 1 || typeof rows[0]![0] !== 'number') throw new ImportError("the 'store' counters must be one row with a numeric version");
      counters = true;
    }
    yield { table, rows };
  }
  if (!counters) throw new ImportError("the export ends without its 'store' counters (truncated?)");
}

/** The refusal of importAll into a store that holds data. */
export const NOT_EMPTY = 'the target store is not empty: import only into a freshly created, empty database';

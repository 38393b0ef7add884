import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { DatabaseInUseError } from '@ottr/store-sqlite';
import { createInterface } from 'node:readline';
import pino from 'pino';
import type { ExportBatch, Store } from '@ottr/server';
import { STORE_DRIVERS } from './adapters.js';
import { resolveAppConfig, type AppConfig, type AppConfigInput } from './config.js';

/** The first line of an export file. */
export const EXPORT_FORMAT = 'ottr-export';
export const EXPORT_VERSION = 1;

export interface TransferOptions {
  /** Values that win over the environment (the CLI's flags), as for `ottr serve`. */
  config?: AppConfigInput;
  /** Relative paths resolve against this. Default: process.cwd(). */
  cwd?: string;
}

/** Rows per table, as moved. */
export type TransferCounts = Record<string, number>;

/** A problem with the export file or the target store; the CLI shows its message. */
export class TransferError extends Error {
  override readonly name = 'TransferError';
}

async function openStore(config: AppConfig): Promise<Store> {
  const factory = STORE_DRIVERS[config.store.driver];
  if (!factory) throw new TransferError(`unknown store driver '${config.store.driver}'`);
  try {
    return await factory({ config, logger: pino({ level: 'silent' }) });
  } catch (err) {
    // A node still running on the SQLite file: its later writes would miss the move.
    if (err instanceof DatabaseInUseError) throw new TransferError(err.message);
    throw err;
  }
}

/**
 * `ottr admin export`: writes the whole store the configuration names (by default the SQLite
 * file of the data directory) to `out` as JSON Lines: a header line
 * `{"format":"ottr-export","version":1,"exportedAt":…}`, then one line per table batch
 * `{"table":…,"rows":[…]}`. Run it on a stopped installation.
 */
export async function exportInstallation(env: Record<string, string | undefined>, out: string | NodeJS.WritableStream, options: TransferOptions = {}): Promise<TransferCounts> {
  const config = resolveAppConfig(env, options.config, options.cwd);
  if (config.store.driver === 'sqlite' && config.store.sqlite.path !== ':memory:' && !existsSync(config.store.sqlite.path)) {
    throw new TransferError(`no database at ${config.store.sqlite.path} (check --data-dir / OTTR_SQLITE_PATH)`);
  }
  const store = await openStore(config);
  const stream: NodeJS.WritableStream = typeof out === 'string' ? createWriteStream(out, { mode: 0o600 }) : out;
  // A write error (a full disk, a closed pipe) fails the export instead of waiting for a
  // 'drain' that a destroyed stream never emits.
  let failed: Error | undefined;
  stream.on('error', (err: Error) => (failed ??= err));
  const write = async (value: unknown): Promise<void> => {
    if (!failed && !stream.write(`${JSON.stringify(value)}\n`)) await once(stream, 'drain').catch(() => undefined);
    if (failed) throw new TransferError(`cannot write the export: ${failed.message}`);
  };
  const counts: TransferCounts = {};
  try {
    await write({ format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: Date.now() });
    for await (const batch of store.exportAll()) {
      counts[batch.table] = (counts[batch.table] ?? 0) + batch.rows.length;
      await write(batch);
    }
  } finally {
    await store.close();
    if (typeof out === 'string') {
      stream.end();
      await finished(stream as NodeJS.WritableStream & NodeJS.ReadableStream).catch(() => undefined);
    }
  }
  if (failed) throw new TransferError(`cannot write the export: ${failed.message}`);
  return counts;
}

/** The batches of an export file, after checking its header. */
async function* readExport(file: string): AsyncGenerator<ExportBatch> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new TransferError(`${file}:${n}: not JSON`);
    }
    const v = value as { format?: unknown; version?: unknown; table?: unknown; rows?: unknown };
    if (n === 1) {
      if (v.format !== EXPORT_FORMAT) throw new TransferError(`${file} is not an ottr export (no '${EXPORT_FORMAT}' header)`);
      if (v.version !== EXPORT_VERSION) throw new TransferError(`${file}: export format version ${String(v.version)} is not supported (this build reads ${EXPORT_VERSION})`);
      continue;
    }
    if (typeof v.table !== 'string' || !Array.isArray(v.rows)) throw new TransferError(`${file}:${n}: not a table batch`);
    yield { table: v.table, rows: v.rows as Record<string, unknown>[] };
  }
  if (n === 0) throw new TransferError(`${file} is empty`);
}

/**
 * `ottr admin import`: loads an export file into the store the configuration names (e.g.
 * OTTR_STORE=postgres, OTTR_POSTGRES_URL), which must be empty: a store that holds data is
 * refused and left unchanged. The whole load is one transaction.
 */
export async function importInstallation(env: Record<string, string | undefined>, file: string, options: TransferOptions = {}): Promise<TransferCounts> {
  const config = resolveAppConfig(env, options.config, options.cwd);
  if (!existsSync(file)) throw new TransferError(`no such file: ${file}`);
  const store = await openStore(config);
  try {
    return await store.importAll(readExport(file));
  } finally {
    await store.close();
  }
}

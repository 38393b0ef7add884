// Test support: throwaway PostgreSQL databases for CLI tests that move an installation onto
// PostgreSQL. apps/cli may not import @ottr/store-postgres/testing or @ottr/server/testing
// (scripts/check-boundaries.mjs, rule cli-imports) and does not depend on `pg`, so databases are
// made with `psql`, which ships with every PostgreSQL server (CI starts a local one, .ci/run).
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { it } from 'vitest';

/** Server the tests use, as in @ottr/store-postgres/testing: a role that may create databases. */
export const TEST_POSTGRES_URL = process.env.OTTR_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const run = promisify(execFile);

/** Runs `sql` with psql against `url`; resolves with its unaligned, tuples-only output. */
export async function psql(url: string, sql: string): Promise<string> {
  const { stdout } = await run('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], {
    env: { PATH: process.env.PATH ?? '', PGCONNECT_TIMEOUT: '5' },
  });
  return stdout.trim();
}

function probe(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const done = (error?: Error) => {
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.setTimeout(2000, () => done(new Error('no answer within 2000 ms')));
    socket.once('connect', () => done());
    socket.once('error', (e) => done(e));
  });
}

/**
 * Whether the PostgreSQL tests of this file run; the same rule as requireService in
 * @ottr/server/testing: reachable (and psql present) → true; otherwise with CI=true it throws
 * (the file fails), elsewhere it registers one skipped test that gives the reason.
 */
export async function requirePostgres(url = TEST_POSTGRES_URL): Promise<boolean> {
  const u = new URL(url);
  const shown = new URL(u.href);
  if (shown.password !== '') shown.password = '***';
  let reason: string | undefined;
  try {
    await probe(u.hostname || '127.0.0.1', u.port === '' ? 5432 : Number(u.port));
    await psql(url, 'SELECT 1');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'psql is not installed' : error instanceof Error ? error.message.trim() : String(error);
    reason = `PostgreSQL is not usable at ${shown.href} (${why})`;
  }
  if (reason === undefined) return true;
  if (/^(true|1)$/i.test(process.env.CI ?? '')) throw new Error(`${reason}: CI must provide it (see .ci/run)`);
  process.stderr.write(`${reason}: skipping the tests that need it (they run in CI)\n`);
  it.skip(`${reason}: tests that need it are skipped on this machine`, () => undefined);
  return false;
}

let counter = 0;

/** A new, empty database with a unique name; `drop` removes it (closing what is still connected). */
export async function createTestDatabase(adminUrl = TEST_POSTGRES_URL): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `ottr_cli_test_${process.pid}_${Date.now().toString(36)}_${++counter}`;
  await psql(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.href, drop: () => psql(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined) };
}

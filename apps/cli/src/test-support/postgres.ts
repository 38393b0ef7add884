// Test support: throwaway PostgreSQL databases for CLI tests that move an installation onto
// PostgreSQL. apps/cli may not import @ottr/store-postgres/testing (scripts/check-boundaries.mjs,
// rule cli-imports) and does not depend on `pg`, so databases are made with `psql`, which ships
// with every PostgreSQL server (CI starts a local one, .ci/run).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireService } from '@ottr/server-app/testing';

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

/**
 * Whether the PostgreSQL tests of this file run (requireService's rule: reachable → true; else
 * skipped with the reason, or failing with CI=true). psql itself must be there to make databases.
 */
export async function requirePostgres(url = TEST_POSTGRES_URL): Promise<boolean> {
  if (!(await requireService('PostgreSQL', url))) return false;
  await psql(url, 'SELECT 1').catch((error: NodeJS.ErrnoException) => {
    throw new Error(error.code === 'ENOENT' ? 'psql is not installed: the CLI tests make their databases with it' : `psql cannot reach ${url}: ${error.message}`);
  });
  return true;
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

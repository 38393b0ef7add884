import pg from 'pg';
import { createPostgresStore, type PostgresStore, type PostgresStoreOptions } from './index.js';

/**
 * Server the tests use; they create (and drop) their own databases on it, so the URL names a
 * role that may create databases and a database to connect to meanwhile.
 */
export const TEST_POSTGRES_URL = process.env.OTTR_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let counter = 0;

async function admin(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A new, empty database with a unique name; `drop` removes it (closing what is still connected).
 */
export async function createTestDatabase(opts: { adminUrl?: string } = {}): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const adminUrl = opts.adminUrl ?? TEST_POSTGRES_URL;
  const name = `ottr_test_${process.pid}_${Date.now().toString(36)}_${++counter}`;
  await admin(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.href, drop: () => admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A store on a fresh database that is dropped when the store closes. */
export async function openTestStore(options: Omit<PostgresStoreOptions, 'url'> = {}): Promise<PostgresStore> {
  const db = await createTestDatabase();
  let store: PostgresStore;
  try {
    store = await createPostgresStore({ ...options, url: db.url });
  } catch (error) {
    await db.drop();
    throw error;
  }
  return {
    ...store,
    async close() {
      await store.close();
      await db.drop();
    },
  };
}

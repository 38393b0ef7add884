import pg from 'pg';

export type Param = string | number | boolean | null | readonly string[] | readonly number[];

/** Anything that runs a query: the pool (one statement, autocommit) or a client inside a transaction. */
interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/**
 * int8 (bigint: times in ms, seqs, versions, counts) as a JS number instead of a string; every
 * such value this store keeps is below 2^53. Set per pool, not on pg's global type table.
 */
const INT8 = 20;
const parseInt8 = (v: string): number => Number(v);
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8 && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format ?? 'text'),
};

export interface PoolOptions {
  url: string;
  poolSize: number;
  statementTimeoutMs: number;
}

export function createPool(o: PoolOptions): pg.Pool {
  return new pg.Pool({
    connectionString: o.url,
    max: o.poolSize,
    types,
    statement_timeout: o.statementTimeoutMs,
    // A transaction left open by a bug (or a stalled node) must not hold locks for ever.
    idle_in_transaction_session_timeout: Math.max(o.statementTimeoutMs * 2, 10_000),
    application_name: 'ottr',
    connectionTimeoutMillis: 10_000,
  });
}

/** Query helpers over a pool or one client; the client form is what transactions use. */
export class Conn {
  constructor(readonly raw: Queryable) {}

  async rows<T>(sql: string, ...params: Param[]): Promise<T[]> {
    return (await this.raw.query<T & pg.QueryResultRow>(sql, params)).rows;
  }

  /**
   * Runs a statement of the write path as a named prepared statement: parsed and planned once
   * per connection instead of on every call (the writer's statements are the hot ones).
   */
  async prepared<T>(name: string, sql: string, ...params: Param[]): Promise<{ rows: T[]; rowCount: number }> {
    const r = await (this.raw as pg.ClientBase).query<T & pg.QueryResultRow>({ name, text: sql, values: params });
    return { rows: r.rows, rowCount: r.rowCount ?? 0 };
  }

  async row<T>(sql: string, ...params: Param[]): Promise<T | undefined> {
    return (await this.raw.query<T & pg.QueryResultRow>(sql, params)).rows[0];
  }

  /** The first column of the first row. */
  async value<T>(sql: string, ...params: Param[]): Promise<T | undefined> {
    const row = await this.row<Record<string, T>>(sql, ...params);
    return row === undefined ? undefined : Object.values(row)[0];
  }

  /** Runs a statement; returns how many rows it changed. */
  async run(sql: string, ...params: Param[]): Promise<number> {
    return (await this.raw.query(sql, params)).rowCount ?? 0;
  }
}

/** The pool, its query helpers, and transactions on one client. */
export class Db extends Conn {
  constructor(readonly pool: pg.Pool) {
    super(pool);
  }

  /** Runs `fn` in one transaction (READ COMMITTED): commits when it resolves, rolls back when it throws. */
  async tx<T>(fn: (c: Conn) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await this.pool.connect();
    let broken: unknown;
    try {
      await client.query(begin);
      try {
        const result = await fn(new Conn(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((e: unknown) => (broken = e));
        throw error;
      }
    } finally {
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  /** A read-only snapshot: every query in `fn` sees the same committed state. */
  read<T>(fn: (c: Conn) => Promise<T>): Promise<T> {
    return this.tx(fn, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }
}

/** PostgreSQL error code (SQLSTATE) of an error, if it is one. */
export const sqlState = (e: unknown): string | undefined => {
  const code = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
};

/** The constraint a unique violation (23505) names. */
export const violated = (e: unknown): string | undefined =>
  sqlState(e) === '23505' ? (e as { constraint?: string }).constraint : undefined;

export const json = (value: unknown): string => JSON.stringify(value);

import type Database from 'better-sqlite3';

export type Param = string | number | bigint | null;

/**
 * A thin layer over one better-sqlite3 connection: prepared statements cached by their SQL, and
 * transactions. better-sqlite3 is synchronous, so a transaction runs from BEGIN to COMMIT
 * without yielding to the event loop: nothing else on this connection interleaves with it.
 */
export class Db {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly transaction: Database.Transaction<(fn: () => unknown) => unknown>;

  constructor(readonly raw: Database.Database) {
    this.transaction = raw.transaction((fn: () => unknown) => fn());
  }

  get<T>(sql: string, ...params: Param[]): T | undefined {
    return this.statement(sql).get(...params) as T | undefined;
  }

  all<T>(sql: string, ...params: Param[]): T[] {
    return this.statement(sql).all(...params) as T[];
  }

  run(sql: string, ...params: Param[]): Database.RunResult {
    return this.statement(sql).run(...params);
  }

  /** The first column of the first row. */
  value<T>(sql: string, ...params: Param[]): T | undefined {
    const row = this.get<Record<string, T>>(sql, ...params);
    return row === undefined ? undefined : Object.values(row)[0];
  }

  /** A write transaction (BEGIN IMMEDIATE); inside another transaction, a SAVEPOINT. */
  write<T>(fn: () => T): T {
    return this.transaction.immediate(fn) as T;
  }

  /** A read transaction: every query in `fn` sees the same committed state. */
  read<T>(fn: () => T): T {
    return this.transaction.deferred(fn) as T;
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (s === undefined) {
      s = this.raw.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}

/** JSON text of a value, for JSON columns and for `json_each(?)` lists. */
export const json = (value: unknown): string => JSON.stringify(value);

export const bool = (value: boolean): number => (value ? 1 : 0);

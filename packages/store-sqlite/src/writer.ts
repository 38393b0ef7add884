import { AppError } from '@ottr/server';
import type { Db } from './db.js';

/** A row for `events`; the writer assigns seq and version. */
export interface NewEvent {
  id: string;
  conversationId: string;
  type: string;
  sender: string | null;
  at: number;
  target?: string;
  /** JSON */
  content?: string;
  /** JSON of the other type-specific fields */
  data?: string;
}

interface Pending {
  conversationId: string;
  op: (tx: Tx) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** One write transaction: its version and the conversations it appended to. */
export class Tx {
  /** Per conversation: the last seq appended in this transaction and its time. */
  readonly touched = new Map<string, { seq: number; at: number }>();
  /** Writes run once at the end of the transaction, outside any savepoint (see `defer`). */
  readonly deferred: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly writer: Writer,
    readonly version: number,
  ) {}

  /** Inserts an event with the conversation's next seq. Throws `not_found` for an unknown conversation. */
  appendEvent(e: NewEvent): { pk: number; seq: number } {
    const seq = this.writer.lastSeq(e.conversationId) + 1;
    const r = this.db.run(
      'INSERT INTO events (id, conversation_id, seq, version, type, sender, at, target, content, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      e.id, e.conversationId, seq, this.version, e.type, e.sender, e.at, e.target ?? null, e.content ?? null, e.data ?? null,
    );
    this.writer.setLastSeq(e.conversationId, seq);
    this.touched.set(e.conversationId, { seq, at: e.at });
    return { pk: Number(r.lastInsertRowid), seq };
  }

  /**
   * Runs `write` at the end of the transaction, after every request's savepoint. For the
   * full-text index: FTS5 flushes its in-memory buffer at each savepoint, so indexing inside
   * the savepoints made 500 inserts about 5x slower than indexing them together (measured).
   */
  defer(write: () => void): void {
    this.deferred.push(write);
  }
}

/**
 * The single writer: owns the seq counters (per conversation, loaded on first use from
 * conversations.last_seq) and the store-wide version counter, and runs every write that
 * touches them. Because better-sqlite3 is synchronous, a transaction runs start to COMMIT
 * within one call, so in-memory counters always equal the committed state between calls.
 *
 * Group commit: `enqueue` collects the operations that arrive before the next setImmediate
 * and commits them in ONE transaction (one fsync), each inside its own SAVEPOINT, so a failing
 * one (e.g. `message_deleted`) rolls back and rejects alone. Promises settle after COMMIT.
 */
export class Writer {
  private version: number;
  private readonly seqs = new Map<string, number>();
  private queue: Pending[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private closed = false;
  private commits = 0;
  private batched = 0;

  constructor(private readonly db: Db) {
    this.version = db.value<number>("SELECT value FROM meta WHERE key = 'version'") ?? 0;
  }

  /** Reloads the counters from the database (after importAll wrote them behind the writer's back). */
  reload(): void {
    this.version = this.db.value<number>("SELECT value FROM meta WHERE key = 'version'") ?? 0;
    this.seqs.clear();
  }

  lastSeq(conversationId: string): number {
    let seq = this.seqs.get(conversationId);
    if (seq === undefined) {
      seq = this.db.value<number>('SELECT last_seq FROM conversations WHERE id = ?', conversationId);
      if (seq === undefined) throw new AppError('not_found', 'No such conversation');
      this.seqs.set(conversationId, seq);
    }
    return seq;
  }

  setLastSeq(conversationId: string, seq: number): void {
    this.seqs.set(conversationId, seq);
  }

  /** Runs `op` now in its own write transaction with a new version. */
  write<T>(op: (tx: Tx) => T): T {
    if (this.closed) throw new Error('store is closed');
    const tx = new Tx(this.db, this, this.version + 1);
    let result: T;
    try {
      result = this.db.write(() => {
        const r = op(tx);
        this.finish(tx);
        return r;
      });
    } catch (error) {
      this.forget(tx);
      throw error;
    }
    this.committed(tx);
    return result;
  }

  /** Queues `op` (which appends to `conversationId`) for the next group commit. */
  enqueue<T>(conversationId: string, op: (tx: Tx) => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ conversationId, op, resolve: resolve as (v: unknown) => void, reject });
      this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Commits the queued operations together. */
  flush(): void {
    if (this.scheduled !== null) clearImmediate(this.scheduled);
    this.scheduled = null;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const outcomes: { ok: boolean; value: unknown }[] = [];
    const tx = new Tx(this.db, this, this.version + 1);
    try {
      this.db.write(() => {
        for (const item of batch) {
          const undo = this.checkpoint(tx, item.conversationId);
          try {
            outcomes.push({ ok: true, value: this.db.write(() => item.op(tx)) });
          } catch (error) {
            // Some SQLite errors (SQLITE_FULL, …) roll back the whole transaction: fail the batch.
            if (!this.db.raw.inTransaction) throw error;
            undo();
            outcomes.push({ ok: false, value: error });
          }
        }
        this.finish(tx);
      });
    } catch (error) {
      this.forget(tx);
      for (const item of batch) item.reject(error);
      return;
    }
    this.committed(tx);
    this.batched += batch.length;
    batch.forEach((item, i) => {
      const o = outcomes[i]!;
      if (o.ok) item.resolve(o.value);
      else item.reject(o.value);
    });
  }

  /** Commits what is queued and refuses further writes. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  stats(): { commits: number; batched: number } {
    return { commits: this.commits, batched: this.batched };
  }

  /**
   * Once per conversation per transaction: its last seq and time, and the version of every
   * active member (so they sync it). Then the store-wide version.
   */
  private finish(tx: Tx): void {
    for (const write of tx.deferred) write();
    for (const [conversationId, last] of tx.touched) {
      this.db.run('UPDATE conversations SET last_seq = ?, last_event_at = ? WHERE id = ?', last.seq, last.at, conversationId);
      this.db.run("UPDATE memberships SET version = ? WHERE conversation_id = ? AND status = 'active'", tx.version, conversationId);
    }
    this.db.run("UPDATE meta SET value = ? WHERE key = 'version'", tx.version);
  }

  private committed(tx: Tx): void {
    this.version = tx.version;
    this.commits++;
  }

  /** After a rollback: reload the counters of the conversations it touched from the database. */
  private forget(tx: Tx): void {
    for (const id of tx.touched.keys()) this.seqs.delete(id);
  }

  /** For a savepoint: a function that puts the conversation's counter and deferred writes back as they are now. */
  private checkpoint(tx: Tx, conversationId: string): () => void {
    const seq = this.seqs.get(conversationId);
    const touched = tx.touched.get(conversationId);
    const deferred = tx.deferred.length;
    return () => {
      tx.deferred.length = deferred;
      if (seq === undefined) this.seqs.delete(conversationId);
      else this.seqs.set(conversationId, seq);
      if (touched === undefined) tx.touched.delete(conversationId);
      else tx.touched.set(conversationId, touched);
    };
  }
}

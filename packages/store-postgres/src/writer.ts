import { AppError, type NewJob } from '@ottr/server';
import type pg from 'pg';
import { Conn, type Db, type Param } from './db.js';
import { JOB_INSERT_COLUMNS, jobValues } from './jobs.js';

/** A row for `events`; the transaction assigns its seq. */
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
  /** Searchable text (messages) */
  body?: string | null;
}

/** What a transaction changed that needs the commit's version; copied for savepoints. */
interface TxState {
  /** Per conversation: last seq (locked or new in this transaction). */
  seqs: Map<string, number>;
  /** Per conversation appended to: first and last seq appended, time of the last. */
  touched: Map<string, { first: number; last: number; at: number }>;
  /** Memberships (conversation, account) whose version is stamped besides the active members of `touched`. */
  stamps: [string, string][];
  /** Memberships whose receipt_version is stamped (their pointers moved). */
  receipts: [string, string][];
}

const eventParams = (e: NewEvent, seq: number): Param[] =>
  [e.id, e.conversationId, seq, e.type, e.sender, e.at, e.target ?? null, e.content ?? null, e.data ?? null, e.body ?? null];

const copy = (s: TxState): TxState => ({ seqs: new Map(s.seqs), touched: new Map(s.touched), stamps: [...s.stamps], receipts: [...s.receipts] });

/**
 * One write transaction of the writer. Operations get its connection (`c`) and append events
 * through it; the version is taken once, at the end (see Writer.finish).
 */
export class Tx {
  state: TxState = { seqs: new Map(), touched: new Map(), stamps: [], receipts: [] };

  constructor(readonly c: Conn) {}

  /** Inserts an event with the conversation's next seq. Throws `not_found` for an unknown (unlocked) conversation. */
  async appendEvent(e: NewEvent): Promise<{ pk: number; seq: number }> {
    const seq = this.nextSeq(e.conversationId);
    const { rows } = await this.c.prepared<{ pk: number }>(
      'ottr_append_event',
      `INSERT INTO events (id, conversation_id, seq, type, sender, at, target, content, data, body)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING pk`,
      ...eventParams(e, seq),
    );
    return this.appended(e, rows[0]!.pk, seq);
  }

  /**
   * Claims the idempotency key for `e.id` and inserts the event, in one statement (one round
   * trip); null, and nothing written, when the key was already claimed (by a committed
   * transaction, an earlier operation of this one, or a concurrent transaction this statement
   * waited for): the caller reads the first event. A duplicate takes no seq. Throws `not_found`,
   * before any statement, for an unknown (unlocked) conversation. The idempotency row has no
   * foreign key to events, so the order of the two inserts does not matter to constraints.
   * `job` (the message's transactional outbox) is inserted by the same statement, only with the
   * event; a job whose dedupeKey a queued job has is not added (as JobQueue.enqueue).
   */
  async appendKeyed(e: NewEvent, key: { deviceId: string; clientMsgId: string }, job?: NewJob): Promise<{ pk: number; seq: number } | null> {
    const seq = this.nextSeq(e.conversationId);
    const params = [...eventParams(e, seq), key.deviceId, key.clientMsgId];
    const claim = `k AS (
         INSERT INTO idempotency (device_id, client_msg_id, event_id, created_at) VALUES ($11, $12, $1, $6) ON CONFLICT DO NOTHING RETURNING 1
       )`;
    const insert = `INSERT INTO events (id, conversation_id, seq, type, sender, at, target, content, data, body)
       SELECT $1::text, $2::text, $3::bigint, $4::text, $5::text, $6::bigint, $7::text, $8::text, $9::text, $10::text
       WHERE EXISTS (SELECT FROM k) RETURNING pk`;
    const { rows } = job === undefined
      ? await this.c.prepared<{ pk: number }>('ottr_append_keyed_event', `WITH ${claim} ${insert}`, ...params)
      : await this.c.prepared<{ pk: number }>(
        'ottr_append_keyed_event_job',
        `WITH ${claim},
         e AS (${insert}),
         j AS (
           INSERT INTO jobs (${JOB_INSERT_COLUMNS})
           SELECT $13::text, $14::text, $15::text, $16::text, 'pending', $17::bigint, $18::integer, $19::bigint, $20::bigint
           WHERE EXISTS (SELECT FROM k) ON CONFLICT (dedupe_key) DO NOTHING
         )
         SELECT pk FROM e`,
        ...params, ...jobValues(job),
      );
    const pk = rows[0]?.pk;
    return pk === undefined ? null : this.appended(e, pk, seq);
  }

  private nextSeq(conversationId: string): number {
    const last = this.state.seqs.get(conversationId);
    if (last === undefined) throw new AppError('not_found', 'No such conversation');
    return last + 1;
  }

  /** Records an inserted event in the transaction's state. */
  private appended(e: NewEvent, pk: number, seq: number): { pk: number; seq: number } {
    this.state.seqs.set(e.conversationId, seq);
    const t = this.state.touched.get(e.conversationId);
    this.state.touched.set(e.conversationId, { first: t?.first ?? seq, last: seq, at: e.at });
    return { pk, seq };
  }

  /** A conversation created in this transaction (nobody else sees it before the commit). */
  created(conversationId: string): void {
    this.state.seqs.set(conversationId, 0);
  }

  /** Stamps the membership with this commit's version (besides the active members of conversations appended to). */
  stamp(conversationId: string, accountId: string): void {
    this.state.stamps.push([conversationId, accountId]);
  }

  /** Stamps the membership's receipt_version (and version) with this commit's version. */
  stampReceipt(conversationId: string, accountId: string): void {
    this.state.receipts.push([conversationId, accountId]);
  }
}

/**
 * How an operation of a batch of several is kept from failing the others:
 *
 * - `savepoint`: it runs inside a SAVEPOINT of its own (one round trip more); whatever fails,
 *   ROLLBACK TO undoes it alone.
 * - `one-statement`: it writes with at most one statement, and it throws AppErrors only
 *   without having changed anything (neither the database nor `tx.state`), so it needs no
 *   savepoint. Anything else it throws (its statement failed, which aborts the transaction)
 *   makes the writer roll the batch back and run it again with a savepoint for every operation.
 */
export type Isolation = 'savepoint' | 'one-statement';

interface Pending {
  conversations: readonly string[];
  op: (tx: Tx) => Promise<unknown>;
  isolation: Isolation;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; value: unknown };

/** A `one-statement` operation failed in a way that may have aborted the transaction. */
class Unisolated extends Error {}

/**
 * Operations committed together at most (a larger queue is committed in several transactions).
 * Each may run in a savepoint, a subtransaction; past 64 of them in one transaction PostgreSQL's
 * per-backend subtransaction cache overflows and every other session's snapshot checks get
 * slower while it runs, so batches stay below that.
 */
const MAX_BATCH = 60;

/**
 * Every write that assigns seqs or versions goes through the writer.
 *
 * Group commit: operations queue up while the previous transaction of this store commits, and
 * the next transaction runs all of them (up to MAX_BATCH), each isolated from the others (see
 * Isolation) so that a failing one rolls back and rejects alone. Promises settle after COMMIT.
 * A message append is `one-statement`: its idempotency key, its event and its job (the push
 * fan-out) are inserted by one statement, so the common case costs one round trip while the
 * batch holds its locks.
 *
 * Across nodes (several stores on one database) correctness rests on row locks, not on this
 * process's memory:
 *
 * - seq: the transaction first locks the rows of every conversation its operations name,
 *   sorted by id (`SELECT … ORDER BY id FOR NO KEY UPDATE`), and reads their last_seq. While it
 *   holds them no other transaction appends to those conversations, so counting on from
 *   last_seq in memory is safe; the new last_seq is written before COMMIT. A rolled-back
 *   savepoint (or batch) puts the counters back. Seqs are gapless and unique per conversation.
 * - version: see `finish`. The version counter is locked last, after every other lock the
 *   transaction takes, and the rows stamped with it are already locked by the transaction
 *   (memberships are only written by transactions holding their conversation's row), so a
 *   transaction holding the counter never waits for anything but its own COMMIT: no deadlock.
 */
export class Writer {
  private queue: Pending[] = [];
  private running: Promise<void> | null = null;
  private closed = false;
  private commits = 0;
  private batched = 0;
  private retried = 0;

  constructor(private readonly db: Db) {}

  /** Queues `op`, which writes to the existing `conversations` (their rows are locked for it), for the next commit. */
  enqueue<T>(conversations: readonly string[], op: (tx: Tx) => Promise<T>, isolation: Isolation = 'savepoint'): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ conversations, op, isolation, resolve: resolve as (v: unknown) => void, reject });
      this.running ??= this.drain();
    });
  }

  /** Commits what is queued and refuses further writes. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  /** retried: batches run again with a savepoint per operation (a `one-statement` one failed). */
  stats(): { commits: number; batched: number; retried: number } {
    return { commits: this.commits, batched: this.batched, retried: this.retried };
  }

  private async drain(): Promise<void> {
    // Let the operations of this turn of the event loop join the first batch.
    await new Promise((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      await this.commit(batch);
    }
    this.running = null;
  }

  private async commit(batch: Pending[]): Promise<void> {
    let outcomes: Outcome[];
    try {
      try {
        outcomes = await this.transaction(batch, false);
      } catch (error) {
        if (!(error instanceof Unisolated)) throw error;
        this.retried++;
        outcomes = await this.transaction(batch, true);
      }
    } catch (error) {
      for (const item of batch) item.reject(error instanceof Unisolated ? error.cause : error);
      return;
    }
    this.commits++;
    this.batched += batch.length;
    batch.forEach((item, i) => {
      const o = outcomes[i]!;
      if (o.ok) item.resolve(o.value);
      else item.reject(o.value);
    });
  }

  /** Runs the batch in one transaction and commits it; `savepoints`: one for every operation. */
  private async transaction(batch: Pending[], savepoints: boolean): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    let client: pg.PoolClient | undefined;
    let broken: Error | undefined;
    try {
      client = await this.db.pool.connect();
      const tx = new Tx(new Conn(client));
      await client.query('BEGIN');
      try {
        const ids = [...new Set(batch.flatMap((p) => p.conversations))].sort();
        if (ids.length > 0) {
          const { rows } = await tx.c.prepared<{ id: string; last_seq: number }>(
            'ottr_lock_conversations',
            'SELECT id, last_seq FROM conversations WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE',
            ids,
          );
          for (const r of rows) tx.state.seqs.set(r.id, r.last_seq);
        }
        const single = batch.length === 1;
        for (const item of batch) {
          if (single) {
            outcomes.push({ ok: true, value: await item.op(tx) });
          } else if (item.isolation === 'one-statement' && !savepoints) {
            try {
              outcomes.push({ ok: true, value: await item.op(tx) });
            } catch (error) {
              if (!(error instanceof AppError)) throw new Unisolated('an operation without a savepoint failed', { cause: error });
              outcomes.push({ ok: false, value: error });
            }
          } else {
            const saved = copy(tx.state);
            // Never released (one round trip less per operation): each operation's savepoint
            // nests in the previous one, and ROLLBACK TO goes to the latest of that name.
            await client.query('SAVEPOINT op');
            try {
              outcomes.push({ ok: true, value: await item.op(tx) });
            } catch (error) {
              await client.query('ROLLBACK TO SAVEPOINT op');
              tx.state = saved;
              outcomes.push({ ok: false, value: error });
            }
          }
        }
        await this.finish(tx);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch((e: unknown) => (broken = e instanceof Error ? e : new Error(String(e))));
        throw error;
      }
    } finally {
      client?.release(broken);
    }
    return outcomes;
  }

  /**
   * The end of a transaction: each conversation appended to gets its new last_seq; then, if
   * anything needs a version, the version counter is incremented and the commit's rows are
   * stamped with it, in one statement, right before COMMIT.
   *
   * Why a lock on a one-row counter: sync pages by version and treats "I have seen version v"
   * as "I have seen every commit with a lower version". A sequence (nextval) hands out numbers
   * in the order transactions ask, not in the order they commit, so a reader could see v+1
   * committed while v is still in flight, and skip v for ever. Incrementing the counter row
   * locks it until COMMIT: the next transaction's increment waits for that COMMIT and reads
   * the new value, so versions are assigned and made visible strictly in order. The price is
   * that the ends of version-taking transactions are serialized across the cluster: what runs
   * under the lock is one statement plus the COMMIT (its WAL flush). Group commit spreads that
   * over every operation of the batch. Measured (bench/store-postgres.ts, 2 cores shared with
   * other work, so noisy): small transactions with the locked counter reach 20–96% of the rate
   * of the same transactions taking a sequence number (the gap grows with concurrent sessions:
   * 1,124 vs 3,094/s at 16); under the lock sit ~1 ms of statement plus the COMMIT's WAL flush
   * (~3 ms here), i.e. a ceiling of a few hundred version commits/s for the whole cluster, or
   * ~10,000+ operations/s at the batch size reached under load (~60). The round trips of the
   * operations come first. Appends/s of one store, medians of 5 interleaved runs (ranges):
   * with a savepoint and two inserts per message, 64 in flight ~3,900 (2,900–6,000), 256 over
   * 64 conversations ~3,100 (1,800–3,400), the same with two stores on one database ~3,600
   * (1,900–4,400); with a message in one statement and no savepoint, ~8,000 (4,900–10,200),
   * ~5,900 (2,900–6,200), ~6,900 (4,000–8,000). The 3-node cluster bench, bound by CPU on this
   * machine, gained less from that alone: 1,400–1,800 → 1,800–1,900 direct msgs/s, node CPU per
   * message 520–630 → 480–500 µs; with the send's reads prepared as well (conversations.access,
   * accounts.directBarriers), 2,400–2,800 msgs/s and 390–440 µs. Should the version lock become
   * the limit, the alternative is versions taken freely (a sequence) plus a read horizon below
   * the oldest version still in flight.
   */
  private async finish(tx: Tx): Promise<void> {
    const { touched, stamps, receipts } = tx.state;
    if (touched.size === 0 && stamps.length === 0 && receipts.length === 0) return;
    const convs = [...touched.keys()];
    const lasts = convs.map((id) => touched.get(id)!);
    const pairs = [...stamps, ...receipts];
    // One statement: new last_seqs, then the version, the commit rows and the stamps. The
    // conversation rows and the memberships it stamps are already this transaction's (locked).
    await tx.c.prepared(
      'ottr_finish',
      `WITH t AS (SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[]) AS t (id, first_seq, last_seq, at)),
       c AS (UPDATE conversations c SET last_seq = t.last_seq, last_event_at = t.at FROM t WHERE c.id = t.id),
       v AS (UPDATE version_counter SET version = version + 1 RETURNING version),
       commits AS (
         INSERT INTO conversation_commits (conversation_id, version, first_seq, last_seq) SELECT t.id, v.version, t.first_seq, t.last_seq FROM v, t
       ),
       -- The rows to stamp, as keys: an OR of the two conditions in the UPDATE's WHERE would
       -- make PostgreSQL scan the whole memberships table on every commit.
       targets AS (
         SELECT conversation_id, account_id FROM memberships WHERE conversation_id = ANY($1::text[]) AND status = 'active'
         UNION
         SELECT * FROM unnest($5::text[], $6::text[])
       )
       UPDATE memberships m SET version = v.version,
         receipt_version = CASE WHEN (m.conversation_id, m.account_id) IN (SELECT * FROM unnest($7::text[], $8::text[])) THEN v.version ELSE m.receipt_version END
       FROM v, targets k
       WHERE m.conversation_id = k.conversation_id AND m.account_id = k.account_id`,
      convs, lasts.map((t) => t.first), lasts.map((t) => t.last), lasts.map((t) => t.at),
      pairs.map((s) => s[0]), pairs.map((s) => s[1]),
      receipts.map((s) => s[0]), receipts.map((s) => s[1]),
    );
  }
}

/**
 * PostgreSQL store: what the commit-ordered version costs, and append throughput.
 *
 *   node --import tsx bench/store-postgres.ts        (needs PostgreSQL; OTTR_TEST_POSTGRES_URL)
 *
 * 1. SQL alone, C sessions each committing small transactions (an insert, then a version), for
 *    2 s per case: the version from a locked one-row counter (UPDATE … RETURNING, held until
 *    COMMIT: versions become visible in commit order) versus from a sequence (nextval: no lock,
 *    but no order either). The difference is the price of the ordering.
 * 2. The store: appends per second with C appends always in flight, over K conversations,
 *    through one store and through two stores on one database (two nodes).
 */
import type { AccountId, ConversationId, DeviceId, MessageId } from '@ottr/protocol';
import { UlidGenerator } from '@ottr/server';
import { createPostgresStore, type PostgresStore } from '@ottr/store-postgres';
import { createTestDatabase } from '@ottr/store-postgres/testing';
import pg from 'pg';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ids = new UlidGenerator();

async function sqlOnly(url: string, mode: 'counter' | 'sequence', sessions: number): Promise<number> {
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query('CREATE TABLE IF NOT EXISTS bench_rows (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v bigint, body text)');
  await setup.query('CREATE SEQUENCE IF NOT EXISTS bench_seq');
  await setup.end();
  const version = mode === 'counter' ? 'UPDATE version_counter SET version = version + 1 RETURNING version' : "SELECT nextval('bench_seq') AS version";
  let done = 0;
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: sessions }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      while (Date.now() < until) {
        await c.query('BEGIN');
        await c.query("INSERT INTO bench_rows (v, body) VALUES (0, 'x')");
        await c.query(version);
        await c.query('COMMIT');
        done++;
      }
      await c.end();
    }),
  );
  return done / SECONDS;
}

async function appends(stores: PostgresStore[], inFlight: number, conversations: number): Promise<{ perSecond: number; perCommit: number }> {
  const s0 = stores[0]!;
  const accounts: AccountId[] = [];
  for (let i = 0; i < conversations + 1; i++) {
    const id = ids.next('account') as AccountId;
    await s0.accounts.create({ id, phone: null, email: null, displayName: 'b', about: '', avatar: null, presencePrivacy: 'everyone', createdAt: 1 });
    accounts.push(id);
  }
  const convs: ConversationId[] = [];
  for (let i = 0; i < conversations; i++) convs.push((await s0.conversations.getOrCreateDirect(accounts[0]!, accounts[i + 1]!, ids.next('conversation') as ConversationId, ids.next('event') as never, 1)).conversation.id);
  const before = stores.map((s) => s.stats());
  let done = 0;
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async (_, w) => {
      const store = stores[w % stores.length]!;
      for (let i = 0; Date.now() < until; i++) {
        const conversationId = convs[(w + i) % convs.length]!;
        await store.events.append({
          type: 'message', id: ids.next('message') as MessageId, conversationId, sender: accounts[0]!, at: Date.now(),
          deviceId: 'dev_bench' as DeviceId, clientMsgId: ids.next('event'), content: { kind: 'text', text: `message ${i} from ${w}` },
        });
        done++;
      }
    }),
  );
  const commits = stores.reduce((n, s, i) => n + s.stats().commits - before[i]!.commits, 0);
  return { perSecond: done / SECONDS, perCommit: done / commits };
}

const db = await createTestDatabase();
try {
  const store = await createPostgresStore({ url: db.url });
  console.log(`SQL only, transactions/s (${SECONDS} s each):`);
  for (const sessions of [1, 4, 16]) {
    const counter = await sqlOnly(db.url, 'counter', sessions);
    const sequence = await sqlOnly(db.url, 'sequence', sessions);
    console.log(`  ${sessions} sessions: locked counter ${counter.toFixed(0)}/s, sequence ${sequence.toFixed(0)}/s (${((1 - counter / sequence) * 100).toFixed(0)}% fewer with the lock)`);
  }
  console.log('store appends/s (group commit):');
  const second = await createPostgresStore({ url: db.url });
  for (const [inFlight, convs] of [[1, 1], [64, 1], [64, 16], [256, 64]] as const) {
    const one = await appends([store], inFlight, convs);
    const two = await appends([store, second], inFlight, convs);
    console.log(
      `  ${inFlight} in flight, ${convs} conversation(s): one store ${one.perSecond.toFixed(0)}/s (${one.perCommit.toFixed(1)} per commit), ` +
        `two stores ${two.perSecond.toFixed(0)}/s (${two.perCommit.toFixed(1)} per commit)`,
    );
  }
  await second.close();
  await store.close();
} finally {
  await db.drop();
}

import type { AccountId, ConversationId, DeviceId, EventId, MediaId, MessageId } from '@ottr/protocol';
import { UlidGenerator, type AppendResult, type MediaRecord, type Store } from '@ottr/server';
import { requireService } from '@ottr/server/testing';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresStore, type PostgresStore } from './index.js';
import { MIGRATIONS } from './migrations/index.js';
import { createTestDatabase, TEST_POSTGRES_URL } from './testing.js';

const ids = new UlidGenerator();
const id = <T>(kind: Parameters<UlidGenerator['next']>[0]) => ids.next(kind) as T;

async function account(store: Store): Promise<AccountId> {
  const a = id<AccountId>('account');
  await store.accounts.create({ id: a, phone: null, email: null, displayName: 'x', about: '', avatar: null, presencePrivacy: 'everyone', createdAt: 1 });
  return a;
}

function send(store: Store, conversationId: ConversationId, sender: AccountId, text: string, key?: { deviceId: DeviceId; clientMsgId: string }): Promise<AppendResult> {
  return store.events.append({
    type: 'message', id: id<MessageId>('message'), conversationId, sender, at: Date.now(),
    deviceId: key?.deviceId ?? (`dev_${sender.slice(4)}` as DeviceId), clientMsgId: key?.clientMsgId ?? id('event'), content: { kind: 'text', text },
  });
}

async function allSeqs(store: Store, conversationId: ConversationId): Promise<number[]> {
  return (await store.events.page(conversationId, { after: 0, limit: 100_000, minSeq: 1 })).map((e) => e.seq);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

if (await requireService('PostgreSQL', TEST_POSTGRES_URL)) {
  describe('postgres store', () => {
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    const open: PostgresStore[] = [];
    const store = async (options: { poolSize?: number; statementTimeoutMs?: number } = {}) => {
      const s = await createPostgresStore({ url: db.url, ...options });
      open.push(s);
      return s;
    };
    const query = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        return (await client.query<T>(sql, params)).rows;
      } finally {
        await client.end();
      }
    };

    beforeEach(async () => {
      db = await createTestDatabase();
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
      await db.drop();
    });

    describe('migrations', () => {
      it('are applied once and recorded; reopening applies nothing', async () => {
        await (await store()).close();
        await (await store()).close();
        const rows = await query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
        expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
      });

      it('nodes starting together on an empty database migrate it once (advisory lock) and all work', async () => {
        const stores = await Promise.all(Array.from({ length: 4 }, () => store({ poolSize: 2 })));
        const rows = await query<{ version: number; n: string }>('SELECT version, count(*) AS n FROM schema_migrations GROUP BY version ORDER BY version');
        expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, n: '1' })));
        for (const s of stores) await account(s);
        expect(await query('SELECT id FROM accounts')).toHaveLength(4);
      });
    });

    describe('media', () => {
      const media = (ownerId: AccountId): MediaRecord => {
        const mediaId = id<MediaId>('media');
        return {
          id: mediaId, ownerId, kind: 'image', status: 'ready', mime: 'image/png', size: 10, sha256: '0'.repeat(64), key: `${mediaId}/original`, name: null,
          width: 1, height: 1, durationMs: null, blurhash: null, waveform: null, thumbnail: null, poster: null, error: null, createdAt: 3, releasedAt: null,
        };
      };
      const sendImage = (s: Store, conversationId: ConversationId, sender: AccountId, mediaId: MediaId) =>
        s.events.append({
          type: 'message', id: id<MessageId>('message'), conversationId, sender, at: Date.now(), deviceId: `dev_${sender.slice(4)}` as DeviceId,
          clientMsgId: id('event'), content: { kind: 'image', mediaId, caption: 'look' },
        });

      it('a database made before media (migration 3) gets its tables; messages sent before keep working', async () => {
        const first = await store();
        const [a, b] = [await account(first), await account(first)];
        const { conversation } = await first.conversations.getOrCreateDirect(a, b, id('conversation'), id('event'), 1);
        const before = await send(first, conversation.id, a, 'before media');
        await first.close();
        await query('DROP TABLE sticker_installs, stickers, sticker_packs, media_refs, media');
        await query('DELETE FROM schema_migrations WHERE version = 3');

        const s = await store();
        const m = media(a);
        await s.media.create(m, null);
        const sent = await sendImage(s, conversation.id, a, m.id);
        expect(await s.media.canRead(m.id, b)).toBe(true);
        expect(sent.event.seq).toBe(before.event.seq + 1);
      });

      it('nodes deleting the last two messages that reference an object at once release it', async () => {
        const [n1, n2] = [await store({ poolSize: 2 }), await store({ poolSize: 2 })];
        const [a, b, c] = [await account(n1), await account(n1), await account(n1)];
        const ab = (await n1.conversations.getOrCreateDirect(a, b, id('conversation'), id('event'), 1)).conversation.id;
        const ac = (await n1.conversations.getOrCreateDirect(a, c, id('conversation'), id('event'), 1)).conversation.id;
        for (let round = 0; round < 10; round++) {
          const m = media(a);
          await n1.media.create(m, null);
          const [x, y] = [await sendImage(n1, ab, a, m.id), await sendImage(n2, ac, a, m.id)];
          await Promise.all([
            n1.events.append({ type: 'delete', id: id<EventId>('event'), conversationId: ab, sender: a, at: 10, messageId: x.event.id }),
            n2.events.append({ type: 'delete', id: id<EventId>('event'), conversationId: ac, sender: a, at: 10, messageId: y.event.id }),
          ]);
          expect((await n1.media.get(m.id))!.releasedAt).toBe(10);
        }
      });

      it('deleteIfUnreferenced racing a send: either the object is kept and referenced, or deleted and the send refused', async () => {
        const [n1, n2] = [await store({ poolSize: 2 }), await store({ poolSize: 2 })];
        const [a, b] = [await account(n1), await account(n1)];
        const ab = (await n1.conversations.getOrCreateDirect(a, b, id('conversation'), id('event'), 1)).conversation.id;
        for (let round = 0; round < 10; round++) {
          const m = media(a);
          await n1.media.create(m, null);
          const [sent, deleted] = await Promise.allSettled([sendImage(n1, ab, a, m.id), n2.media.deleteIfUnreferenced(m.id)]);
          const kept = deleted.status === 'fulfilled' && !deleted.value;
          if (kept) {
            expect(sent.status).toBe('fulfilled');
            expect(await n2.media.canRead(m.id, b)).toBe(true);
          } else {
            expect(deleted).toMatchObject({ status: 'fulfilled', value: true });
            expect(await n2.media.get(m.id)).toBeNull();
            if (sent.status === 'rejected') expect(sent.reason).toMatchObject({ code: 'media_not_found' });
          }
        }
      });
    });

    describe('several nodes on one database', () => {
      it('two stores appending to one conversation at once get unique, gapless seqs', async () => {
        const [s1, s2] = [await store(), await store()];
        const [a, b] = [await account(s1), await account(s1)];
        const { conversation } = await s1.conversations.getOrCreateDirect(a, b, id('conversation'), id('event'), 1);
        const results = await Promise.all(range(1, 400).map((i) => send(i % 2 ? s1 : s2, conversation.id, i % 3 ? a : b, `m${i}`)));
        expect(results.map((r) => r.event.seq).sort((x, y) => x - y)).toEqual(range(2, 401));
        expect(await allSeqs(s2, conversation.id)).toEqual(range(1, 401));
        expect((await s1.conversations.get(conversation.id))?.lastSeq).toBe(401);
        // Both stores did commit some of them, in batches (group commit).
        for (const s of [s1, s2]) expect(s.stats().commits).toBeLessThan(s.stats().batched);
      });

      it('the same (device, clientMsgId) sent through two stores at once gives one event', async () => {
        const [s1, s2] = [await store(), await store()];
        const [a, b] = [await account(s1), await account(s1)];
        const { conversation } = await s1.conversations.getOrCreateDirect(a, b, id('conversation'), id('event'), 1);
        const key = { deviceId: 'dev_01J0000000000000000000000D' as DeviceId, clientMsgId: 'same' };
        const results = await Promise.all(range(1, 10).map((i) => send(i % 2 ? s1 : s2, conversation.id, a, `try ${i}`, key)));
        expect(new Set(results.map((r) => r.event.id)).size).toBe(1);
        expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
        expect(await allSeqs(s1, conversation.id)).toEqual([1, 2]);
      });

      it('getOrCreateDirect through two stores at once creates one conversation per pair', async () => {
        const [s1, s2] = [await store(), await store()];
        const [a, b] = [await account(s1), await account(s1)];
        const results = await Promise.all(range(1, 10).map((i) => (i % 2 ? s1 : s2).conversations.getOrCreateDirect(i % 3 ? a : b, i % 3 ? b : a, id('conversation'), id('event'), i)));
        expect(new Set(results.map((r) => r.conversation.id)).size).toBe(1);
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(await query("SELECT id FROM conversations WHERE kind = 'direct'")).toHaveLength(1);
        expect(await allSeqs(s1, results[0]!.conversation.id)).toEqual([1]);
      });

      it('a sync reader paging while two stores write loses nothing', async () => {
        const [s1, s2, reader] = [await store(), await store(), await store()];
        const me = await account(s1);
        const others = await Promise.all(range(1, 4).map(() => account(s1)));
        const convs: ConversationId[] = [];
        for (const o of others) convs.push((await s1.conversations.getOrCreateDirect(me, o, id('conversation'), id('event'), 1)).conversation.id);
        let cursor = (await reader.sync.page(me, null, 100)).cursor;
        const seen = new Map<string, Set<number>>(convs.map((c) => [c, new Set()]));
        const collect = async () => {
          for (let more = true; more; ) {
            const page = await reader.sync.page(me, cursor, 7);
            for (const e of page.entries) for (const ev of e.events) seen.get(e.conversation.id)!.add(ev.seq);
            cursor = page.cursor;
            more = page.hasMore;
          }
        };
        let writing = true;
        const writers = Promise.all(
          [s1, s2].map(async (s, w) => {
            const batches = [];
            for (let round = 0; round < 15; round++) {
              // Each store writes to its own two conversations: their transactions take no common
              // row lock, so only the version order keeps the reader from skipping a commit.
              batches.push(Promise.all(range(1, 12).map((i) => send(s, convs[w * 2 + (i % 2)]!, others[w * 2 + (i % 2)]!, `w${w} r${round} ${i}`))));
              await new Promise((r) => setImmediate(r));
            }
            await Promise.all(batches);
          }),
        ).finally(() => (writing = false));
        let pages = 0;
        while (writing) {
          await collect();
          pages++;
        }
        await writers;
        await collect();
        expect(pages).toBeGreaterThan(1);
        for (const c of convs) {
          const last = (await reader.conversations.get(c))!.lastSeq;
          expect([...seen.get(c)!].sort((x, y) => x - y)).toEqual(range(2, last));
        }
      });

      it('two stores claiming jobs at once never get the same one', async () => {
        const [s1, s2] = [await store(), await store()];
        for (let i = 0; i < 80; i++) await s1.jobs.enqueue({ id: `job_${i}`, kind: 'k', payload: i, runAt: 0, now: 0 });
        const rounds = await Promise.all(range(1, 40).map((i) => (i % 2 ? s1 : s2).jobs.claim({ kinds: ['k'], limit: 3, leaseMs: 60_000, worker: `w${i % 2}`, now: 1 })));
        const claimed = rounds.flat().map((j) => j.id);
        expect(claimed).toHaveLength(80);
        expect(new Set(claimed).size).toBe(80);
      });
    });

    describe('transactions', () => {
      it('a request failing after its writes rolls back alone; seqs stay gapless', async () => {
        const s = await store();
        const [a, b] = [await account(s), await account(s)];
        const { conversation } = await s.conversations.getOrCreateDirect(a, b, id('conversation'), id('event'), 1);
        const m = await send(s, conversation.id, a, 'target');
        // A reaction by an unknown account fails on the reactions foreign key, after its event row.
        const results = await Promise.allSettled([
          send(s, conversation.id, a, 'one'),
          s.events.append({ type: 'reaction', id: id<EventId>('event'), conversationId: conversation.id, sender: 'acc_nobody' as AccountId, at: 5, messageId: m.event.id, emoji: '👍', action: 'add' }),
          send(s, conversation.id, a, 'two'),
        ]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(await allSeqs(s, conversation.id)).toEqual([1, 2, 3, 4]);
        expect((await send(s, conversation.id, a, 'three')).event.seq).toBe(5);
      });

      it('close() commits appends still queued', async () => {
        const s = await store();
        const [a, b] = [await account(s), await account(s)];
        const { conversation } = await s.conversations.getOrCreateDirect(a, b, id('conversation'), id('event'), 1);
        const pending = range(1, 5).map((i) => send(s, conversation.id, a, `m${i}`));
        await s.close();
        expect((await Promise.all(pending)).map((r) => r.event.seq)).toEqual([2, 3, 4, 5, 6]);
        await expect(send(s, conversation.id, a, 'late')).rejects.toThrow(/closed/);
        expect(await allSeqs(await store(), conversation.id)).toEqual(range(1, 6));
      });

      it('a statement past the statement timeout is cancelled and its operation fails', async () => {
        const s = await store({ statementTimeoutMs: 500 });
        const [a, b] = [await account(s), await account(s)];
        const { conversation } = await s.conversations.getOrCreateDirect(a, b, id('conversation'), id('event'), 1);
        // Another session holds the conversation's row: the append waits for it, up to the timeout.
        const holder = new pg.Client({ connectionString: db.url });
        await holder.connect();
        try {
          await holder.query('BEGIN');
          await holder.query('SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE', [conversation.id]);
          await expect(send(s, conversation.id, a, 'blocked')).rejects.toMatchObject({ code: '57014' });
          await holder.query('ROLLBACK');
        } finally {
          await holder.end();
        }
        expect((await send(s, conversation.id, a, 'after')).event.seq).toBe(2);
      });

      it('a sync cursor from another (newer) database is invalid_cursor', async () => {
        const s = await store();
        const [a, b] = [await account(s), await account(s)];
        const { conversation } = await s.conversations.getOrCreateDirect(a, b, id('conversation'), id('event'), 1);
        await send(s, conversation.id, a, 'hi');
        const cursor = (await s.sync.page(b, null, 100)).cursor;
        const other = await createTestDatabase();
        try {
          const fresh = await createPostgresStore({ url: other.url });
          await expect(fresh.sync.page(b, cursor, 100)).rejects.toMatchObject({ code: 'invalid_cursor' });
          await fresh.close();
        } finally {
          await other.drop();
        }
      });
    });
  });
}

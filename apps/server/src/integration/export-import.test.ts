import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationEvent, ConversationListItem, SyncPage } from '@ottr/protocol';
import { requireService } from '@ottr/server/testing';
import { createTestDatabase, TEST_POSTGRES_URL } from '@ottr/store-postgres/testing';
import { startTestNode, type TestDevice, type TestNode } from '../test-support/harness.js';
import { rest } from '../test-support/rest.js';
import { exportInstallation, importInstallation } from '../transfer.js';

const text = (s: string) => ({ kind: 'text' as const, text: s });
const secret = 's'.repeat(32);

if (await requireService('PostgreSQL', TEST_POSTGRES_URL)) {
  describe('moving an installation from SQLite to PostgreSQL (ottr admin export / import)', () => {
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    let work: string;
    const nodes: TestNode[] = [];

    beforeAll(async () => {
      db = await createTestDatabase();
      work = await mkdtemp(path.join(tmpdir(), 'ottr-move-'));
    });
    afterAll(async () => {
      for (const n of nodes.splice(0)) await n.close();
      await db.drop();
      await rm(work, { recursive: true, force: true });
    });

    it('keeps history, lists, sync cursors, accounts and seqs; refuses a store that is not empty', async () => {
      // ---- on SQLite
      const old = await startTestNode({ secret });
      nodes.push(old);
      const [ada, ben, cara] = [await old.signIn(), await old.signIn(), await old.signIn()];
      const send = async (d: TestDevice, cnv: string, id: string, s: string) =>
        (await d.api<{ event: ConversationEvent }>('POST', `/v1/conversations/${cnv}/messages`, { clientMsgId: id, content: text(s) })).body.event;
      const direct = (await ada.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'direct', peer: ben.accountId })).body.conversation.id;
      const group = (await ada.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'group', title: 'trio', members: [ben.accountId, cara.accountId] })).body.conversation.id;
      const d1 = await send(ada, direct, 'd1', 'hello ben');
      const d2 = await send(ben, direct, 'd2', 'hi ada');
      const d3 = await send(ada, direct, 'd3', 'typo hree');
      expect([d2.seq, d3.seq]).toEqual([d1.seq + 1, d1.seq + 2]);
      expect((await ada.api('PATCH', `/v1/messages/${d3.id}`, { content: text('typo here') })).status).toBe(200);
      const g1 = await send(cara, group, 'g1', 'zebra crossing');
      const g2 = await send(ben, group, 'g2', 'secret, delete me');
      expect((await ben.api('DELETE', `/v1/messages/${g2.id}`)).status).toBe(200);
      expect((await ada.api('PUT', `/v1/messages/${g1.id}/reactions/${encodeURIComponent('👍')}`)).status).toBe(200);
      expect((await ben.api('POST', `/v1/conversations/${direct}/read`, { seq: d1.seq })).status).toBeLessThan(300);
      // A device's cursor from before the move; more happens after it.
      const before = (await cara.api<SyncPage>('GET', '/v1/sync')).body;
      expect(before.hasMore).toBe(false);
      await send(ada, group, 'g3', 'after the cursor');
      expect((await cara.api('POST', `/v1/conversations/${group}/read`, { seq: g1.seq })).status).toBeLessThan(300);

      const snapshot = async (as: { ada: TestDevice; ben: TestDevice; cara: TestDevice }) => ({
        direct: (await as.ben.api('GET', `/v1/conversations/${direct}/events`)).body,
        group: (await as.cara.api('GET', `/v1/conversations/${group}/events`)).body,
        edits: (await as.ben.api('GET', `/v1/messages/${d3.id}/edits`)).body,
        lists: [(await as.ada.api('GET', '/v1/conversations')).body, (await as.ben.api('GET', '/v1/conversations')).body, (await as.cara.api('GET', '/v1/conversations')).body],
        sync: (await as.cara.api('GET', `/v1/sync?since=${encodeURIComponent(before.cursor)}`)).body,
        search: (await as.ben.api('GET', '/v1/search?q=zebra')).body,
      });
      const expected = await snapshot({ ada, ben, cara });
      expect((expected.sync as SyncPage).entries.flatMap((e) => e.events.map((v) => v.type === 'message' && v.content?.kind === 'text' ? v.content.text : v.type))).toContain('after the cursor');
      expect((expected.search as { items: unknown[] }).items).toHaveLength(1);
      await old.node.close();

      // ---- export, import
      const file = path.join(work, 'ottr.jsonl');
      const exported = await exportInstallation({}, file, { config: { dataDir: old.dataDir } });
      expect(exported).toMatchObject({ accounts: 3, conversations: 2, store: 1 });
      const header = JSON.parse((await readFile(file, 'utf8')).split('\n')[0]!) as unknown;
      expect(header).toMatchObject({ format: 'ottr-export', version: 1, exportedAt: expect.any(Number) });
      const pgEnv = { OTTR_STORE: 'postgres', OTTR_POSTGRES_URL: db.url };
      const imported = await importInstallation(pgEnv, file, { config: { dataDir: work } });
      expect(imported).toEqual(exported);
      // Into a store that holds data: refused, nothing changed.
      await expect(importInstallation(pgEnv, file, { config: { dataDir: work } })).rejects.toThrow(/not empty/);

      // ---- on PostgreSQL: the same answers, the same tokens, the same accounts
      const moved = await startTestNode({ secret, store: { driver: 'postgres', postgres: { url: db.url, poolSize: 4 } } });
      nodes.push(moved);
      const on = (d: TestDevice): TestDevice => ({ ...d, api: rest(moved.url, d.accessToken) });
      const again = await snapshot({ ada: on(ada), ben: on(ben), cara: on(cara) });
      expect(again).toEqual(expected);
      const g2After = (again.group as { events: ConversationEvent[] }).events.find((e) => e.id === g2.id);
      expect(g2After).toMatchObject({ content: null, deletedAt: expect.any(Number) });
      const benList = (again.lists[1] as { items: ConversationListItem[] }).items.find((i) => i.conversation.id === direct);
      expect(benList?.unreadCount).toBe(1);

      // Sign-in of an existing identifier: the same account.
      const ada2 = await moved.signIn(ada.email, 'new laptop');
      expect(ada2.accountId).toBe(ada.accountId);
      // New messages continue the seqs, gapless.
      const d4 = await send(ada2, direct, 'd4', 'on postgres now');
      expect(d4.seq).toBe(d3.seq + 2); // after the edit event
      const history = (await ada2.api<{ events: ConversationEvent[] }>('GET', `/v1/conversations/${direct}/events`)).body.events.map((e) => e.seq);
      expect(history).toEqual(Array.from({ length: d4.seq }, (_, i) => i + 1));
      // A replayed clientMsgId is still recognised (idempotency moved along).
      expect((await send(on(ada), direct, 'd1', 'hello ben')).id).toBe(d1.id);
    });
  });
}

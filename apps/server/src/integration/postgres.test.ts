import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationEvent, ConversationListItem, SyncPage } from '@ottr/protocol';
import { requireService } from '@ottr/server/testing';
import { createTestDatabase, TEST_POSTGRES_URL } from '@ottr/store-postgres/testing';
import { startTestNode, type TestNode } from '../test-support/harness.js';

const text = (s: string) => ({ kind: 'text' as const, text: s });

if (await requireService('PostgreSQL', TEST_POSTGRES_URL)) {
  describe('a node on PostgreSQL (OTTR_STORE=postgres)', () => {
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    const nodes: TestNode[] = [];
    // Two nodes on one fresh database, as a cluster runs (each with its own in-process bus).
    const start = () =>
      startTestNode({ store: { driver: 'postgres', postgres: { url: db.url, poolSize: 4 } }, secret: 's'.repeat(32) }).then((n) => (nodes.push(n), n));

    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(async () => {
      for (const n of nodes.splice(0)) await n.close();
      await db.drop();
    });

    it('signs in, opens a direct chat, sends, delivers, and a device on another node syncs it from storage', async () => {
      const [one, two] = [await start(), await start()];
      const ada = await one.signIn();
      const ben = await one.signIn();
      const res = await ada.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'direct', peer: ben.accountId });
      expect(res.status).toBe(200);
      const cnv = res.body.conversation.id;
      const [a, b] = [await one.connect(ada), await one.connect(ben)];
      // Ben's second device is on the other node: a snapshot first, then it goes quiet.
      const onTwo = await two.connect(await one.signIn(ben.email, 'tablet'));
      const syncAll = async (since: string | undefined) => {
        const pages: SyncPage[] = [];
        for (;;) {
          const page = await onTwo.call<SyncPage>({ type: 'sync', ...(since ? { since } : {}) });
          pages.push(page);
          since = page.cursor;
          if (!page.hasMore) return { entries: pages.flatMap((p) => p.entries), cursor: since };
        }
      };
      const snapshot = await syncAll(undefined);
      expect(snapshot.entries.map((e) => e.conversation.id)).toEqual([cnv]);

      const { event } = await a.call<{ event: ConversationEvent }>({ type: 'send', conversationId: cnv, clientMsgId: 'pg-1', content: text('hello over postgres') });
      expect(event).toMatchObject({ type: 'message', seq: 2, sender: ada.accountId });
      expect((await b.next('event', (f) => f.event.id === event.id)).event).toEqual(event);
      // Idempotent through the other node too: same device, same clientMsgId, same event.
      const again = await (await two.connect(ada)).call<{ event: ConversationEvent }>({ type: 'send', conversationId: cnv, clientMsgId: 'pg-1', content: text('hello over postgres') });
      expect(again.event).toEqual(event);

      // The other node's bus never carried it; sync from storage does.
      const changes = await syncAll(snapshot.cursor);
      expect(changes.entries).toHaveLength(1);
      expect(changes.entries[0]).toMatchObject({ conversation: { id: cnv, lastSeq: 2 }, unreadCount: 1 });
      expect(changes.entries[0]!.events).toEqual([event]);
      const history = await ben.api<{ events: ConversationEvent[] }>('GET', `/v1/conversations/${cnv}/events`);
      expect(history.body.events.map((e) => e.seq)).toEqual([1, 2]);
      const found = await ben.api<{ items: { event: ConversationEvent; snippet: string }[] }>('GET', `/v1/search?q=${encodeURIComponent('POSTGRES hello')}`);
      expect(found.body.items.map((h) => h.event.id)).toEqual([event.id]);
    });
  });
}

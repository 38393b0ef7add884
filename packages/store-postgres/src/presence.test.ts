import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountId } from '@ottr/protocol';
import type { PresenceChange } from '@ottr/server';
import { eventually, requireService } from '@ottr/server/testing';
import { createPostgresPresence, type PostgresPresence } from './presence.js';
import { createTestDatabase, TEST_POSTGRES_URL } from './testing.js';

if (await requireService('PostgreSQL', TEST_POSTGRES_URL)) {
  describe('PostgresPresence', () => {
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    const nodes: PostgresPresence[] = [];
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(async () => {
      await Promise.all(nodes.map((n) => n.close()));
      await db.drop();
    });
    const open = async (nodeId: string) => {
      const node = await createPostgresPresence({ url: db.url, nodeId, ttlMs: 600 });
      nodes.push(node);
      return node;
    };

    it('a node taken for dead (paused past its TTL, or the tables emptied) registers again and announces its accounts online', async () => {
      const [a, b] = [await open('a'), await open('b')];
      const x = 'acc_REREGISTER' as AccountId;
      const changes: PresenceChange[] = [];
      a.onChange((c) => changes.push(c));
      await a.connected(x);
      // What another node's expiry does to a silent node: its rows are gone.
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        await client.query('DELETE FROM presence WHERE node = $1', [a.node]);
        await client.query('DELETE FROM presence_nodes WHERE node = $1', [a.node]);
      } finally {
        await client.end();
      }
      // (Not checked here that b sees x offline now: a's next heartbeat may already have put it back.)
      await eventually(() => changes.some((c) => c.online && c.accountIds.includes(x)), 'a to register again', 10_000);
      expect(await b.online([x])).toEqual(new Set([x]));
    });

    it('each start is a distinct instance, even under the same node id', async () => {
      const [one, two] = [await open('same'), await open('same')];
      expect(one.node).not.toBe(two.node);
      expect(one.node.startsWith('same/')).toBe(true);
    });
  });
}

import { presenceConformance, requireService } from '@ottr/server/testing';
import { createPostgresPresence, PostgresPresence } from './presence.js';
import { createTestDatabase, TEST_POSTGRES_URL } from './testing.js';

if (await requireService('PostgreSQL', TEST_POSTGRES_URL)) {
  presenceConformance('postgres', async () => {
    const db = await createTestDatabase();
    const nodes: PostgresPresence[] = [];
    return {
      node: async () => {
        const node = await createPostgresPresence({ url: db.url, nodeId: `node${nodes.length}`, ttlMs: 900 });
        nodes.push(node);
        return node;
      },
      crash: async (node) => {
        if (!(node instanceof PostgresPresence)) throw new Error('not a PostgresPresence');
        await node.halt();
      },
      close: async () => {
        await Promise.all(nodes.map((n) => n.close()));
        await db.drop();
      },
    };
  });
}

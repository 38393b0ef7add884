import { rateLimiterConformance, requireService } from '@ottr/server/testing';
import { createPostgresRateLimiter, type PostgresRateLimiter } from './rate-limiter.js';
import { createTestDatabase, TEST_POSTGRES_URL } from './testing.js';

if (await requireService('PostgreSQL', TEST_POSTGRES_URL)) {
  rateLimiterConformance('postgres', async () => {
    const db = await createTestDatabase();
    const nodes: PostgresRateLimiter[] = [];
    return {
      shared: true,
      node: async (clock) => {
        const limiter = await createPostgresRateLimiter({ url: db.url, clock });
        nodes.push(limiter);
        return limiter;
      },
      close: async () => {
        await Promise.all(nodes.map((n) => n.close()));
        await db.drop();
      },
    };
  });
}

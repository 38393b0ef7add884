/**
 * State the nodes of a cluster share that is not the system of record: online presence and
 * rate-limit counters. UNLOGGED tables (no WAL: cheap writes); after a PostgreSQL crash they
 * are empty, which each holds as harmless — nodes re-register their presence on the next
 * heartbeat, and counters start over.
 *
 * - `presence_nodes`: one row per running node instance, `expires_at` pushed forward by its
 *   heartbeat (database clock, ms). A node whose row expired is taken for dead.
 * - `presence`: which node instances hold a connection of which account.
 * - `rate_limits`: one row per key, the sliding-window counters of store-postgres/rate-limiter.ts.
 */
export const sql = `
CREATE UNLOGGED TABLE presence_nodes (
  node text COLLATE "C" PRIMARY KEY,
  expires_at bigint NOT NULL
);

CREATE UNLOGGED TABLE presence (
  account_id text COLLATE "C" NOT NULL,
  node text COLLATE "C" NOT NULL,
  PRIMARY KEY (account_id, node)
);
CREATE INDEX presence_by_node ON presence (node);

CREATE UNLOGGED TABLE rate_limits (
  key text COLLATE "C" PRIMARY KEY,
  window_ms bigint NOT NULL,
  start bigint NOT NULL,
  count integer NOT NULL,
  previous integer NOT NULL,
  allowed boolean NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX rate_limits_expiry ON rate_limits (expires_at);
`;

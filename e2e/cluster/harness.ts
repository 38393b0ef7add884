/**
 * What every cluster test starts from: a fresh PostgreSQL database, a nats-server of the test's
 * own and ottr processes on both (dropped, killed and stopped when the test ends), REST sign-in,
 * and waiting for a condition with a deadline.
 */
import { existsSync } from 'node:fs';
import pg from 'pg';
import { it, onTestFinished } from 'vitest';
import { NATS_SERVER_BIN, ownNatsServer, type OwnNatsServer } from '@ottr/bus-nats/testing';
import { inCI, requireService } from '@ottr/server/testing';
import { createTestDatabase, TEST_POSTGRES_URL } from '@ottr/store-postgres/testing';
import { WsClient, type Frame } from './client.js';
import { startNodeProcess, type NodeProcess } from './nodes.js';

export type Session = { email: string; accountId: string; deviceId: string; accessToken: string };
export type Event = { id: string; conversationId: string; seq: number; type: string; sender: string; clientMsgId?: string; content?: { text?: string } };
export type SyncPage = { cursor: string; hasMore: boolean; entries: { conversation: { id: string; lastSeq: number }; events: Event[] }[] };

/** How long a node that stopped heartbeating still counts as alive for presence. */
export const TTL_MS = 1500;

// Skipped with a visible reason where PostgreSQL or nats-server is missing; mandatory in CI.
const haveNats = existsSync(NATS_SERVER_BIN);
if (!haveNats) {
  const reason = `${NATS_SERVER_BIN} is missing`;
  if (inCI()) throw new Error(`${reason}: CI must provide nats-server`);
  it.skip(`${reason}: the cluster tests are skipped on this machine`, () => undefined);
}
export const clusterReady = haveNats && (await requireService('PostgreSQL', TEST_POSTGRES_URL));

export interface Cluster {
  readonly db: Awaited<ReturnType<typeof createTestDatabase>>;
  readonly nats: OwnNatsServer;
  readonly nodes: NodeProcess[];
  readonly env: Record<string, string>;
  api<T>(node: NodeProcess, method: string, route: string, body?: unknown, token?: string): Promise<T>;
  /** Signs in (a new account, or a new device of `email`) through `node`'s REST API. */
  signIn(node: NodeProcess, email?: string): Promise<Session>;
  /** Runs one statement on the cluster's database (for what no API shows: migrations, shared presence rows). */
  sql<R extends object>(text: string, params?: unknown[]): Promise<R[]>;
  /** A socket to `node`, closed when the test ends. */
  connect(node: NodeProcess, s: Session, onPush?: (f: Frame) => void): Promise<WsClient>;
}

let accounts = 0;

/**
 * A cluster for the running test only: a fresh database and NATS, and one process per name,
 * started one after the other (or all at once with `together`); all of it goes when the test ends.
 */
export async function startCluster(names: string[] = ['n1', 'n2', 'n3'], opts: { together?: boolean } = {}): Promise<Cluster> {
  const db = await createTestDatabase();
  const nodes: NodeProcess[] = [];
  const clients: WsClient[] = [];
  const natsServers: OwnNatsServer[] = [];
  const teardown = async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await Promise.all(nodes.map((node) => node.stop()));
    await Promise.all(natsServers.map((n) => n.kill()));
    await db.drop();
  };
  onTestFinished(teardown, 60_000);
  const nats = await ownNatsServer();
  natsServers.push(nats);
  const env = {
    OTTR_STORE: 'postgres',
    OTTR_POSTGRES_URL: db.url,
    OTTR_BUS: 'nats',
    OTTR_NATS_URL: nats.url,
    OTTR_SECRET: 'c'.repeat(32),
    OTTR_PRESENCE_TTL_MS: String(TTL_MS),
  };
  if (opts.together) {
    const started = await Promise.allSettled(names.map((name) => startNodeProcess(name, env)));
    for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
  } else {
    for (const name of names) nodes.push(await startNodeProcess(name, env));
  }

  const api = async <T>(node: NodeProcess, method: string, route: string, body?: unknown, token?: string): Promise<T> => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(node.url + route, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route} on ${node.name}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    db,
    nats,
    nodes,
    env,
    api,
    async signIn(node, email = `c${++accounts}-${Date.now()}@example.com`) {
      await api(node, 'POST', '/v1/auth/code', { email });
      const s = await api<Session>(node, 'POST', '/v1/auth/verify', { email, code: await node.codeFor(email), device: { name: `on ${node.name}` } });
      return { ...s, email };
    },
    async sql<R extends object>(text: string, params: unknown[] = []) {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        return (await client.query<R>(text, params)).rows;
      } finally {
        await client.end();
      }
    },
    async connect(node, s, onPush) {
      const c = await WsClient.connect(node.url, s.accessToken, onPush);
      clients.push(c);
      return c;
    },
  };
}

/** Resolves once `cond` holds, checked every 25 ms; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  for (const until = Date.now() + timeoutMs; !(await cond()); await new Promise((r) => setTimeout(r, 25))) {
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms`);
  }
}

/** Log lines of a node at level error or worse (pino: 50 and up), and anything on stderr that says error. */
export function errorLines(node: NodeProcess): string[] {
  return node.output.filter((line) => {
    try {
      return ((JSON.parse(line) as { level?: number }).level ?? 0) >= 50;
    } catch {
      return /error/i.test(line);
    }
  });
}

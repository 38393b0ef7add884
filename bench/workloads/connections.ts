/**
 * Connections: how fast authenticated WebSocket connections are established (open + `auth` →
 * `ready`, 100 at a time), and what an idle one costs the server: resident memory before and
 * after, divided by the number of connections.
 */
import { pool } from '../lib/http.js';
import { rssKiB } from '../lib/nodes.js';
import { LoadClient } from '../lib/ws-load.js';
import type { User } from '../lib/provision.js';

export interface ConnectionsResult {
  connectPerSecond: number;
  idleConnKiB: number;
  connections: number;
}

const settle = () => new Promise((r) => setTimeout(r, 2000));

export async function connections(nodes: readonly { url: string; pid: number }[], users: readonly User[]): Promise<ConnectionsResult> {
  const rss = async () => (await Promise.all(nodes.map((n) => rssKiB(n.pid)))).reduce((a, b) => a + b, 0);
  await settle();
  const before = await rss();
  const t0 = performance.now();
  const clients = await pool(users.length, 100, (i) => LoadClient.connect(nodes[i % nodes.length]!.url, users[i]!.accessToken));
  const seconds = (performance.now() - t0) / 1000;
  await settle();
  const after = await rss();
  await Promise.all(clients.map((c) => c.close()));
  return { connectPerSecond: users.length / seconds, idleConnKiB: (after - before) / users.length, connections: users.length };
}

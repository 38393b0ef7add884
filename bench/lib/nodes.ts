/**
 * ottr servers for the benchmark: `npm start`'s entry as child processes, configured by
 * environment only, logs written to a file (the load generator never reads them on the hot
 * path). One node on its embedded defaults, or three on PostgreSQL and NATS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, ownNatsServer } from '@ottr/bus-nats/testing';
import { createTestDatabase } from '@ottr/store-postgres/testing';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ADMIN_TOKEN = 'bench-admin-token-'.padEnd(40, 'x');

export interface BenchNode {
  readonly url: string;
  readonly pid: number;
  readonly dataDir: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

/** The resident set size of process `pid` in KiB (Linux). */
export async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]);
}

/** CPU time (user + system) process `pid` has used so far, in seconds (Linux; clock ticks of 10 ms). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function waitHealthy(url: string, child: ChildProcess, logFile: string): Promise<void> {
  for (const until = Date.now() + 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}); log: ${logFile}\n${await readFile(logFile, 'utf8')}`);
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ok) return;
  }
  throw new Error(`the server at ${url} was not ready within 60 s; log: ${logFile}`);
}

/** Starts one ottr process with `env` on a free port of 127.0.0.1 and a fresh data directory. */
export async function startNode(name: string, env: Record<string, string> = {}): Promise<BenchNode> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `ottr-bench-${name}-`));
  const port = await freePort();
  const logFile = path.join(dataDir, 'server.log');
  const out = openSync(logFile, 'a');
  // BENCH_SERVER_NODE_ARGS: extra Node flags for the servers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), OTTR_HOST: '127.0.0.1', OTTR_DATA_DIR: dataDir, OTTR_NODE_ID: name, OTTR_ADMIN_TOKEN: ADMIN_TOKEN, ...env },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(url, child, logFile);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    url,
    pid: child.pid!,
    dataDir,
    logFile,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Deployment {
  readonly nodes: BenchNode[];
  /** What the deployment is, for the report. */
  readonly description: string;
  /** Bytes the deployment's database takes on disk now. */
  storeBytes(): Promise<number>;
  stop(): Promise<void>;
}

/** The SQLite database of a node: its file and its write-ahead log (which is reused, so bounded). */
async function sqliteBytes(dataDir: string): Promise<number> {
  const sizes = await Promise.all(['ottr.db', 'ottr.db-wal'].map((f) => stat(path.join(dataDir, f)).then((s) => s.size, () => 0)));
  return sizes.reduce((a, b) => a + b, 0);
}

async function postgresBytes(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes');
    return Number(rows[0]!.bytes);
  } finally {
    await client.end();
  }
}

/** One node with no configuration: SQLite (WAL, synchronous=FULL), the in-process bus. */
export async function startSingle(): Promise<Deployment> {
  const node = await startNode('bench');
  return { nodes: [node], description: '1 node, SQLite, in-process bus', storeBytes: () => sqliteBytes(node.dataDir), stop: () => node.stop() };
}

/** Three nodes on a fresh PostgreSQL database and a NATS server of the benchmark's own. */
export async function startCluster(count = 3): Promise<Deployment> {
  const db = await createTestDatabase();
  const nats = await ownNatsServer();
  const env = { OTTR_STORE: 'postgres', OTTR_POSTGRES_URL: db.url, OTTR_BUS: 'nats', OTTR_NATS_URL: nats.url, OTTR_SECRET: 'b'.repeat(32) };
  const nodes: BenchNode[] = [];
  try {
    for (let i = 1; i <= count; i++) nodes.push(await startNode(`bench-n${i}`, env));
  } catch (err) {
    await Promise.all(nodes.map((n) => n.stop()));
    await nats.kill();
    await db.drop();
    throw err;
  }
  return {
    nodes,
    description: `${count} nodes, PostgreSQL, NATS`,
    storeBytes: () => postgresBytes(db.url),
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
      await nats.kill();
      await db.drop();
    },
  };
}

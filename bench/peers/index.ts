// Peers for the benchmark: the same 1:1 workload and idle-connection measure as ottr's, against
// ejabberd and Prosody from Debian's packages on 127.0.0.1, driven by bench/peers/xmpp-client.
//
// One run: install the package if missing, write a config into a temp dir, start the server on a
// free loopback port, register the accounts in-band, then on a freshly restarted server run the
// closed-loop 1:1 load, and on another fresh start measure RSS growth over idle authenticated
// connections (a restart between keeps each measure free of what the step before left behind). The server is stopped and the temp dir removed even on failure.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensurePackages } from './apt.js';
import { ejabberd } from './ejabberd.js';
import { closeAll, directLoad, loginAll, registerAccounts, sleep } from './load.js';
import type { PeerServer } from './peer.js';
import { freePort, openFilesLimit, removeOnExit, startServer, treeCpuSeconds, treeRssKiB, waitForPort, type ServerProcess } from './proc.js';
import { prosody } from './prosody.js';
import { XmppConnection, type XmppTarget } from './xmpp-client.js';

export type PeerName = 'ejabberd' | 'prosody';

export interface PeerOptions {
  /** Number of sender→receiver pairs (each a distinct account/connection pair). */
  pairs: number;
  /** Messages in flight per sender: a new one is sent when the receiver got one. */
  window: number;
  /** Measuring time after warm-up. */
  durationMs: number;
  /** Authenticated idle connections for the memory measure. */
  idleConnections: number;
  /** Body size of each chat message (text). */
  messageBytes: number;
  log: (line: string) => void;
}

export interface PeerResult {
  direct_msgs_s: number;
  idle_conn_kib: number;
  version: string;
  notes: string[];
}

export const PEERS: Record<PeerName, PeerServer> = { ejabberd, prosody };

const DOMAIN = 'bench.localhost';
const START_TIMEOUT_MS = 60_000;
const SETTLE_MS = 3_000;
const SETTLE_MAX_MS = 15_000;

export async function runPeer(name: PeerName, opts: PeerOptions): Promise<PeerResult> {
  const peer = PEERS[name];
  const { log } = opts;
  const version = ensurePackages(peer.packages, log);
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), `ottr-bench-${name}-`));
  const scratch = removeOnExit(dir);
  const target: XmppTarget = { host: '127.0.0.1', port, domain: DOMAIN };
  const launch = peer.configure(dir, port, DOMAIN);
  const logFile = path.join(dir, 'server.out');
  const start = async (): Promise<ServerProcess> => {
    const server = startServer(launch.argv, launch.env, dir, logFile);
    try {
      await waitForPort(port, server.exited, START_TIMEOUT_MS);
      const probe = await XmppConnection.open(target);
      await probe.close();
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  };
  let server: ServerProcess | null = null;
  let failed = true;
  try {
    log(`${name} ${version}: starting on 127.0.0.1:${port} (config and data in ${dir})`);
    server = await start();
    const idleUsers = names('idle', opts.idleConnections);
    const senderUsers = names('snd', opts.pairs);
    const receiverUsers = names('rcv', opts.pairs);
    const t = performance.now();
    await registerAccounts(target, [...idleUsers, ...senderUsers, ...receiverUsers]);
    log(`${name}: registered ${idleUsers.length + 2 * opts.pairs} accounts in ${ms(t)}`);

    // Each measure on a freshly started server, so that neither provisioning nor the other
    // measure leaves memory or work behind.
    await server.stop();
    server = null;
    server = await start();
    const direct = await measureDirect(name, target, server.pid, senderUsers, receiverUsers, opts);
    await server.stop();
    server = null;
    server = await start();
    const idle = await measureIdle(name, target, server.pid, idleUsers, log);

    const notes = [
      ...peer.notes,
      `${name}: open-files limit of the server process ${openFilesLimit(server.pid) ?? 'unknown'}`,
      ...direct.notes,
      ...idle.notes,
    ];
    failed = false;
    return { direct_msgs_s: direct.rate, idle_conn_kib: idle.kib, version, notes };
  } catch (err) {
    log(`${name}: failed; the server's output:\n${tail(logFile)}`);
    throw err;
  } finally {
    await server?.stop();
    scratch.forget();
    if (failed && process.env.BENCH_KEEP_PEER_DIR) log(`${name}: kept ${dir} (BENCH_KEEP_PEER_DIR)`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

async function measureDirect(
  name: PeerName,
  target: XmppTarget,
  pid: number,
  senderUsers: string[],
  receiverUsers: string[],
  opts: PeerOptions,
): Promise<{ rate: number; notes: string[] }> {
  const { log } = opts;
  const senders = await loginAll(target, senderUsers);
  const receivers = await loginAll(target, receiverUsers).catch(async (err: unknown) => {
    await closeAll(senders);
    throw err;
  });
  const warmupMs = Math.min(2_000, Math.max(500, opts.durationMs / 5));
  log(`${name}: ${opts.pairs} pairs, window ${opts.window}, ${opts.messageBytes}-byte bodies: warm-up ${warmupMs} ms, measuring ${opts.durationMs} ms`);
  let cpu = { server: 0, client: 0 };
  const onWindow = (phase: 'start' | 'end'): void => {
    const now = { server: treeCpuSeconds(pid), client: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 };
    cpu = phase === 'start' ? now : { server: now.server - cpu.server, client: now.client - cpu.client };
  };
  let direct;
  try {
    direct = await directLoad(target, senders, receivers, receiverUsers, { ...opts, warmupMs, onWindow });
  } finally {
    await closeAll([...senders, ...receivers]);
  }
  const rate = direct.delivered / direct.seconds;
  const perCpuSecond = cpu.server > 0 ? Math.round(direct.delivered / cpu.server) : 0;
  const usage =
    `server CPU ${pct(cpu.server, direct.seconds)} of one core (${perCpuSecond} messages per server CPU-second), ` +
    `load generator CPU ${pct(cpu.client, direct.seconds)}, machine load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores`;
  log(`${name}: ${direct.delivered} messages delivered in ${direct.seconds.toFixed(2)} s: ${Math.round(rate)}/s, ${direct.errors} errors, ${direct.missing} missing of ${direct.sent} sent; ${usage}`);
  const notes = [
    `${name}: direct: ${opts.pairs} pairs (distinct accounts, one connection each), window ${opts.window}, ${opts.messageBytes}-byte bodies, <message type='chat'> to the receiver's bare JID (receivers sent initial presence); ${direct.delivered} delivered in ${direct.seconds.toFixed(2)} s after ${warmupMs} ms warm-up; ${usage}`,
  ];
  if (direct.missing !== 0) {
    notes.push(`${name}: ${direct.missing} of ${direct.sent} messages sent were neither delivered nor bounced 1 s after the load stopped`);
  }
  if (direct.errors > 0) notes.push(`${name}: ${direct.errors} messages bounced with errors, the first: ${direct.firstError ?? ''}`);
  return { rate: Math.round(rate), notes };
}

async function measureIdle(
  name: PeerName,
  target: XmppTarget,
  pid: number,
  users: string[],
  log: (line: string) => void,
): Promise<{ kib: number; notes: string[] }> {
  if (users.length === 0) return { kib: 0, notes: [] };
  await sleep(SETTLE_MS);
  const before = treeRssKiB(pid);
  const t = performance.now();
  const idle = await loginAll(target, users);
  log(`${name}: ${idle.length} idle connections logged in in ${ms(t)}`);
  const after = await settledRssKiB(pid);
  await closeAll(idle);
  const kib = (after - before) / users.length;
  log(`${name}: RSS ${before} KiB → ${after} KiB with ${users.length} idle connections: ${kib.toFixed(2)} KiB each`);
  return {
    kib: round2(kib),
    notes: [
      `${name}: idle: connections authenticated (SASL PLAIN) with a bound resource and no presence; RSS of the server's process tree ${before} KiB before, ${after} KiB after ${users.length} connections, read once it changed by less than 1% in a second (at least ${SETTLE_MS / 1000} s, at most ${SETTLE_MAX_MS / 1000} s after the last login), on a freshly started server`,
    ],
  };
}

/** The RSS of the tree once it moves by less than 1% per second (after SETTLE_MS, at most SETTLE_MAX_MS). */
async function settledRssKiB(pid: number): Promise<number> {
  await sleep(SETTLE_MS);
  let rss = treeRssKiB(pid);
  for (let waited = SETTLE_MS; waited < SETTLE_MAX_MS; waited += 1_000) {
    await sleep(1_000);
    const now = treeRssKiB(pid);
    const stable = Math.abs(now - rss) < rss / 100;
    rss = now;
    if (stable) break;
  }
  return rss;
}

function pct(cpuSeconds: number, seconds: number): string {
  return `${Math.round((100 * cpuSeconds) / seconds)}%`;
}

function names(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

function ms(since: number): string {
  return `${Math.round(performance.now() - since)} ms`;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no output)';
  }
}

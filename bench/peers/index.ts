// Peers for the benchmark: the same 1:1 workload and idle-connection measure as ottr's, against
// ejabberd and Prosody from Debian's packages on 127.0.0.1, driven by bench/peers/xmpp-client.
//
// One run: install the package if missing, write a config into a temp dir, start the server on a
// free loopback port, register the accounts in-band, restart the server (so that provisioning
// leaves no memory behind), measure RSS growth over idle authenticated connections, close them,
// then run the closed-loop 1:1 load. The server is stopped and the temp dir removed even on failure.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensurePackages } from './apt.js';
import { ejabberd } from './ejabberd.js';
import { closeAll, directLoad, loginAll, registerAccounts, sleep } from './load.js';
import type { PeerServer } from './peer.js';
import { freePort, openFilesLimit, startServer, treeRssKiB, waitForPort, type ServerProcess } from './proc.js';
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

export async function runPeer(name: PeerName, opts: PeerOptions): Promise<PeerResult> {
  const peer = PEERS[name];
  const { log } = opts;
  const version = ensurePackages(peer.packages, log);
  const dir = mkdtempSync(path.join(os.tmpdir(), `ottr-bench-${name}-`));
  const port = await freePort();
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
    let t = performance.now();
    await registerAccounts(target, [...idleUsers, ...senderUsers, ...receiverUsers]);
    log(`${name}: registered ${idleUsers.length + 2 * opts.pairs} accounts in ${ms(t)}`);
    await server.stop();
    server = await start();

    await sleep(SETTLE_MS);
    const before = treeRssKiB(server.pid);
    t = performance.now();
    const idle = await loginAll(target, idleUsers);
    log(`${name}: ${idle.length} idle connections logged in in ${ms(t)}`);
    await sleep(SETTLE_MS);
    const after = treeRssKiB(server.pid);
    await closeAll(idle);
    const idleKiB = opts.idleConnections > 0 ? (after - before) / opts.idleConnections : 0;
    log(`${name}: RSS ${before} KiB → ${after} KiB with ${idle.length} idle connections: ${idleKiB.toFixed(2)} KiB each`);
    await sleep(1_000);

    const senders = await loginAll(target, senderUsers);
    const receivers = await loginAll(target, receiverUsers);
    const warmupMs = Math.min(2_000, Math.max(500, opts.durationMs / 5));
    log(`${name}: ${opts.pairs} pairs, window ${opts.window}, ${opts.messageBytes}-byte bodies: warm-up ${warmupMs} ms, measuring ${opts.durationMs} ms`);
    let direct;
    try {
      direct = await directLoad(target, senders, receivers, receiverUsers, { ...opts, warmupMs });
    } finally {
      await closeAll([...senders, ...receivers]);
    }
    const rate = direct.delivered / direct.seconds;
    log(`${name}: ${direct.delivered} messages delivered in ${direct.seconds.toFixed(2)} s: ${Math.round(rate)}/s, ${direct.errors} errors`);
    const notes = [
      ...peer.notes,
      `${name}: open-files limit of the server process ${openFilesLimit(server.pid) ?? 'unknown'}`,
      `${name}: ${opts.pairs} pairs (distinct accounts, one connection each), window ${opts.window}, ${opts.messageBytes}-byte bodies, <message type='chat'> to the receiver's bare JID (receivers sent initial presence); delivered ${direct.delivered} in ${direct.seconds.toFixed(2)} s`,
      `${name}: idle connections are authenticated (SASL PLAIN) with a bound resource and no presence; RSS of the server's process tree ${before} KiB before, ${after} KiB after ${opts.idleConnections} connections, read ${SETTLE_MS / 1000} s after the last login, on a freshly restarted server`,
    ];
    if (direct.errors > 0) notes.push(`${name}: ${direct.errors} messages bounced with errors, the first: ${direct.firstError ?? ''}`);
    failed = false;
    return { direct_msgs_s: Math.round(rate), idle_conn_kib: round2(idleKiB), version, notes };
  } catch (err) {
    log(`${name}: failed; the server's output:\n${tail(logFile)}`);
    throw err;
  } finally {
    await server?.stop();
    if (!failed || !process.env.BENCH_KEEP_PEER_DIR) rmSync(dir, { recursive: true, force: true });
  }
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

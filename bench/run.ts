/**
 * `npm run bench` — ottr against its ceilings (and, with --peers, against ejabberd and Prosody),
 * on this machine, in one run. The load generator is this process; the server, the relay and the
 * store ceiling run in processes of their own. Prints a table, then one JSON line.
 *
 *   npm run bench                  full run (a few minutes)
 *   npm run bench -- --quick       under a minute, smaller counts
 *   npm run bench -- --cluster     also 3 nodes on PostgreSQL + NATS (fields prefixed cluster_)
 *   npm run bench -- --peers       also ejabberd and Prosody from Debian's packages (apt)
 *   npm run bench -- --only=direct,sync   just these workloads (ceilings, connections, direct,
 *                                  fanout, sync, rest), e.g. while profiling with
 *                                  BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"
 *
 * docs/benchmarks.md says what each figure means and holds the latest results.
 */
import os from 'node:os';
import { runScript } from './lib/child.js';
import { cpuSeconds, startCluster, startSingle, type Deployment } from './lib/nodes.js';
import { createUsers, directChat, group } from './lib/provision.js';
import { pool } from './lib/http.js';
import { LoadClient } from './lib/ws-load.js';
import { connections } from './workloads/connections.js';
import { fanout } from './workloads/fanout.js';
import { closePairs, connectPairs, latency, throughput, type PairTarget } from './workloads/pairs.js';
import { restSends } from './workloads/rest.js';
import { syncCatchUp } from './workloads/sync.js';
import { profileFor, type Profile } from './profile.js';
import { runPeer } from './peers/index.js';
import { printReport } from './report.js';

const WORKLOADS = ['ceilings', 'connections', 'direct', 'fanout', 'sync', 'rest'] as const;
const argv = process.argv.slice(2);
const only = new Set(argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',') ?? WORKLOADS);
const args = new Set(argv.filter((a) => !a.startsWith('--only=')));
for (const a of args) if (!['--quick', '--cluster', '--peers'].includes(a)) throw new Error(`unknown option ${a}; known: --quick, --cluster, --peers, --only=…`);
for (const w of only) if (!(WORKLOADS as readonly string[]).includes(w)) throw new Error(`unknown workload ${w}; known: ${WORKLOADS.join(', ')}`);
const profile = profileFor(args.has('--quick'));
const results: Record<string, number> = {};
const notes: string[] = [];
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function relayCeiling(p: Profile): Promise<number> {
  const relay = runScript<{ port: number }>('bench/ceilings/relay.ts');
  try {
    const { port } = await relay.first;
    const url = `http://127.0.0.1:${port}`;
    const target: PairTarget = {
      pairs: p.pairs,
      connect: (i, side) => LoadClient.connect(url, String(2 * i + side)),
      send: (i, clientMsgId, text) => ({ type: 'send', to: 2 * i + 1, clientMsgId, content: { kind: 'text', text } }),
    };
    const clients = await connectPairs(target);
    const r = await throughput(target, clients, p.throughput);
    await closePairs(clients);
    return r.msgsPerSecond;
  } finally {
    await relay.stop();
  }
}

async function storeCeiling(p: Profile): Promise<number> {
  const store = runScript<{ rowsPerSecond: number }>('bench/ceilings/store.ts', [String(p.storeCeilingSeconds), String(p.throughput.messageBytes)]);
  return (await store.first).rowsPerSecond;
}

/**
 * Waits until the deployment's servers are idle (under 15 % of a core each over a second), so a
 * workload does not pay for what the one before left behind — e.g. 10,000 sockets closing, each
 * an offline presence update and a last-seen write on PostgreSQL.
 */
async function quiet(dep: Deployment): Promise<void> {
  const cpu = () => Promise.all(dep.nodes.map((n) => cpuSeconds(n.pid))).then((all) => all.reduce((a, b) => a + b, 0));
  for (const until = Date.now() + 120_000; Date.now() < until; ) {
    const before = await cpu();
    await new Promise((r) => setTimeout(r, 1000));
    if ((await cpu()) - before < 0.15 * dep.nodes.length) return;
  }
  notes.push(`${dep.description}: the servers were still busy 120 s after a workload; the next one ran anyway`);
}

/** Every ottr workload against one deployment; fields get `prefix`. */
async function measureOttr(dep: Deployment, p: Profile, prefix: string): Promise<void> {
  const urls = dep.nodes.map((n) => n.url);
  const admin = urls[0]!;
  const set = (name: string, value: number, digits = 1) => (results[prefix + name] = round(value, digits));
  log(`${dep.description}: provisioning ${p.users + p.sync.conversations + 1} accounts`);
  const users = await createUsers(admin, p.users);
  const [away, ...syncPeers] = await createUsers(admin, p.sync.conversations + 1);

  if (only.has('connections')) {
    await quiet(dep);
    log(`${dep.description}: ${p.idleConnections} idle connections`);
    const conn = await connections(dep.nodes, users.slice(0, p.idleConnections));
    set('connect_per_s', conn.connectPerSecond, 0);
    set('idle_conn_kib', conn.idleConnKiB, 2);
  }

  const chats = only.has('direct') || only.has('rest') ? await pool(p.pairs, 16, (i) => directChat(admin, users[2 * i]!, users[2 * i + 1]!)) : [];
  if (only.has('direct')) {
    await quiet(dep);
    log(`${dep.description}: 1:1 throughput over ${p.pairs} pairs`);
    const target: PairTarget = {
      pairs: p.pairs,
      connect: (i, side) => LoadClient.connect(urls[(2 * i + side) % urls.length]!, users[2 * i + side]!.accessToken),
      send: (i, clientMsgId, text) => ({ type: 'send', conversationId: chats[i]!, clientMsgId, content: { kind: 'text', text } }),
    };
    const clients = await connectPairs(target);
    const cpu = () => Promise.all(dep.nodes.map((n) => cpuSeconds(n.pid))).then((all) => all.reduce((a, b) => a + b, 0));
    const cpuBefore = await cpu();
    const bytesBefore = await dep.storeBytes();
    const t = await throughput(target, clients, p.throughput);
    set('store_bytes_per_msg', ((await dep.storeBytes()) - bytesBefore) / t.sent, 0);
    set('direct_msgs_s', t.msgsPerSecond, 0);
    // Server CPU per message over the whole closed-loop run (warm-up included): robust to a busy machine.
    set('direct_cpu_us_per_msg', ((await cpu()) - cpuBefore) * 1e6 / t.sent, 1);
    if (Object.keys(t.errors).length) notes.push(`${prefix}direct: refused sends ${JSON.stringify(t.errors)}`);
    log(`${dep.description}: latency at ${p.latency.rate} msgs/s`);
    const l = await latency(target, clients, p.latency);
    set('direct_p50_ms', l.p50, 2);
    set('direct_p99_ms', l.p99, 2);
    if (l.achieved < l.offered * 0.95) notes.push(`${prefix}latency: only ${Math.round(l.achieved)} of ${l.offered} msgs/s offered arrived during the window`);
    await closePairs(clients);
    if (results.relay_ceiling_msgs_s) set('direct_vs_relay', results[prefix + 'direct_msgs_s']! / results.relay_ceiling_msgs_s, 3);
  }

  if (only.has('fanout')) {
    await quiet(dep);
    for (const members of p.fanoutMembers) {
      log(`${dep.description}: fan-out to ${members} members`);
      const groupId = await group(admin, users[0]!, users.slice(0, members));
      await quiet(dep);
      const f = await fanout(urls, groupId, users.slice(0, members), p.fanout);
      set(members === 1000 ? 'group_fanout_p99_ms' : `group${members / 1000}k_fanout_p99_ms`, f.p99, 1);
    }
  }

  if (only.has('sync')) {
    await quiet(dep);
    log(`${dep.description}: sync of ${p.sync.conversations * p.sync.perConversation} missed messages`);
    const s = await syncCatchUp(admin, away!, syncPeers, p.sync.perConversation);
    set('sync_ms', s.ms, 1);
  }

  if (only.has('rest')) {
    await quiet(dep);
    log(`${dep.description}: REST sends`);
    const r = await restSends(urls, chats.map((conversationId, i) => ({ token: users[2 * i]!.accessToken, conversationId })), p.rest);
    set('rest_send_per_s', r.perSecond, 0);
    if (Object.keys(r.errors).length) notes.push(`${prefix}rest: failed requests by status ${JSON.stringify(r.errors)}`);
  }
}

async function withDeployment(start: () => Promise<Deployment>, run: (dep: Deployment) => Promise<void>): Promise<void> {
  const dep = await start();
  try {
    await run(dep);
  } finally {
    await dep.stop();
  }
}

const started = Date.now();
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
log(`${args.has('--quick') ? 'quick' : 'full'} run on ${machine}`);
if (only.has('ceilings')) {
  log('ceilings: bare WebSocket relay');
  results.relay_ceiling_msgs_s = round(await relayCeiling(profile), 0);
  log('ceilings: bare SQLite inserts');
  results.store_ceiling_rows_s = round(await storeCeiling(profile), 0);
}
await withDeployment(startSingle, (dep) => measureOttr(dep, profile, ''));
if (args.has('--peers')) {
  for (const name of ['ejabberd', 'prosody'] as const) {
    log(`peers: ${name}`);
    const { pairs, throughput: t, idleConnections } = profile;
    const r = await runPeer(name, { pairs, window: t.window, durationMs: t.durationMs, idleConnections, messageBytes: t.messageBytes, log });
    results[`${name}_direct_msgs_s`] = round(r.direct_msgs_s, 0);
    results[`${name}_idle_conn_kib`] = round(r.idle_conn_kib, 2);
    if (results.direct_msgs_s !== undefined) results[`direct_vs_${name}`] = round(results.direct_msgs_s / r.direct_msgs_s, 3);
    notes.push(...r.notes.map((n) => `${name} ${r.version}: ${n}`));
  }
}
if (args.has('--cluster')) await withDeployment(() => startCluster(3), (dep) => measureOttr(dep, profile, 'cluster_'));
results.duration_s = round((Date.now() - started) / 1000, 1);
printReport(
  results,
  notes,
  `ottr benchmark (${args.has('--quick') ? 'quick' : 'full'} run) on ${machine}. ottr stores every message durably before acknowledging it ` +
    '(SQLite WAL with synchronous=FULL; PostgreSQL with synchronous_commit as configured).' +
    (args.has('--peers') ? ' ejabberd and Prosody, as configured here, keep no message (no offline storage, no archive).' : ''),
);

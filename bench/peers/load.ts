// The workloads against an XMPP server: account provisioning (in-band registration), the 1:1
// closed-loop throughput, and authenticated idle connections.
import { pool, XmppConnection, type XmppTarget } from './xmpp-client.js';

export const PASSWORD = 'bench-pass';
const CONCURRENCY = 100;
const REGISTRATIONS_PER_STREAM = 50;

/** Registers the accounts (XEP-0077), several per unauthenticated stream. */
export async function registerAccounts(target: XmppTarget, users: string[]): Promise<void> {
  const batches: string[][] = [];
  for (let i = 0; i < users.length; i += REGISTRATIONS_PER_STREAM) batches.push(users.slice(i, i + REGISTRATIONS_PER_STREAM));
  await pool(batches, Math.min(CONCURRENCY, 20), async (batch) => {
    const conn = await XmppConnection.open(target);
    try {
      for (const user of batch) await conn.register(user, PASSWORD);
    } finally {
      await conn.close();
    }
  });
}

/** Logs in one connection per user (resource "bench"), `CONCURRENCY` handshakes at a time. */
export async function loginAll(target: XmppTarget, users: string[]): Promise<XmppConnection[]> {
  const conns: XmppConnection[] = new Array<XmppConnection>(users.length);
  try {
    await pool(users, CONCURRENCY, async (user, i) => {
      const conn = await XmppConnection.open(target);
      conns[i] = conn;
      await conn.login(user, PASSWORD, 'bench');
    });
  } catch (err) {
    await closeAll(conns.filter(Boolean));
    throw err;
  }
  return conns;
}

export async function closeAll(conns: XmppConnection[]): Promise<void> {
  await Promise.all(conns.map((c) => c.close()));
}

export interface DirectOptions {
  window: number;
  /** Called when the measuring window opens and when it closes. */
  onWindow?: (phase: 'start' | 'end') => void;
  warmupMs: number;
  durationMs: number;
  messageBytes: number;
}

export interface DirectResult {
  /** Delivered during the measuring window. */
  delivered: number;
  /** Over the whole run, warm-up and drain included: sent, received, and sent but neither received nor bounced after the drain. */
  sent: number;
  received: number;
  missing: number;
  seconds: number;
  errors: number;
  firstError: string | null;
}

/**
 * senders[i] keeps `window` chat messages in flight to receivers[i]'s bare JID: each message the
 * receiver gets makes its sender send the next one. Counts deliveries during `durationMs` after
 * `warmupMs`.
 */
export async function directLoad(
  target: XmppTarget,
  senders: XmppConnection[],
  receivers: XmppConnection[],
  receiverUsers: string[],
  opts: DirectOptions,
): Promise<DirectResult> {
  const body = 'x'.repeat(opts.messageBytes);
  let measuring = false;
  let running = true;
  let delivered = 0;
  let sent = 0;
  let received = 0;
  let errors = 0;
  let firstError: string | null = null;
  const failure: { error: Error | null } = { error: null };

  // Receivers become available (initial presence) so that the bare JID routes to them; an IQ
  // round trip afterwards proves the server has processed the presence.
  for (const r of receivers) r.send('<presence/>');
  await pool(receivers, CONCURRENCY, (r) => r.ping(target.domain));

  const onError = (raw: string): void => {
    errors++;
    firstError ??= raw.slice(0, 300);
  };
  senders.forEach((sender, i) => {
    const to = `${receiverUsers[i]}@${target.domain}`;
    let seq = 0;
    const sendOne = (): void => {
      sent++;
      sender.send(`<message type='chat' to='${to}' id='m${(seq++).toString(36)}'><body>${body}</body></message>`);
    };
    receivers[i]!.onElement = (name, raw) => {
      if (name !== 'message') return;
      if (isError(raw)) return onError(raw);
      received++;
      if (measuring) delivered++;
      if (running) sendOne();
    };
    sender.onElement = (name, raw) => {
      if (name === 'message' && isError(raw)) onError(raw);
    };
    for (const c of [sender, receivers[i]!]) c.onFailure = (err) => (failure.error ??= err);
    for (let k = 0; k < opts.window; k++) sendOne();
  });

  await sleep(opts.warmupMs);
  delivered = 0;
  measuring = true;
  opts.onWindow?.('start');
  const t0 = performance.now();
  await sleep(opts.durationMs);
  const count = delivered;
  const seconds = (performance.now() - t0) / 1000;
  opts.onWindow?.('end');
  measuring = false;
  running = false;
  await sleep(1_000); // let in-flight messages land before the connections close
  if (failure.error) throw failure.error;
  return { delivered: count, seconds, sent, received, missing: sent - received - errors, errors, firstError };
}

function isError(raw: string): boolean {
  const head = raw.slice(0, raw.indexOf('>') + 1);
  return /type=['"]error['"]/.test(head);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

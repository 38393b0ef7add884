/**
 * 1:1 traffic over many pairs, against ottr or the bare relay (the same frames and sizes), in two
 * shapes: closed loop (`throughput`: each sender keeps `window` messages in flight; one is done
 * when its recipient has it) and open loop (`latency`: a fixed offered rate, send-to-receive
 * times). A message carries its send time (performance.now of this process) at the start of its
 * text, padded to the configured size.
 */
import type { Frame, LoadClient } from '../lib/ws-load.js';
import { pool } from '../lib/http.js';

/** Where pair traffic goes: ottr (conversations) or the relay (client numbers). */
export interface PairTarget {
  readonly pairs: number;
  /** Connects the sender (side 0) or the recipient (side 1) of pair `i`. */
  connect(i: number, side: 0 | 1): Promise<LoadClient>;
  /** The request frame that sends `text` to pair `i`'s recipient. */
  send(i: number, clientMsgId: string, text: string): Frame;
}

export interface PairClients {
  senders: LoadClient[];
  recipients: LoadClient[];
}

export async function connectPairs(target: PairTarget): Promise<PairClients> {
  const senders = await pool(target.pairs, 32, (i) => target.connect(i, 0));
  const recipients = await pool(target.pairs, 32, (i) => target.connect(i, 1));
  return { senders, recipients };
}

export async function closePairs(c: PairClients): Promise<void> {
  await Promise.all([...c.senders, ...c.recipients].map((x) => x.close()));
}

const pad = (prefix: string, bytes: number) => (prefix.length >= bytes ? prefix : prefix + ' ' + 'x'.repeat(bytes - prefix.length - 1));
const sentAt = (event: { content?: { text?: string } }) => Number.parseFloat(event.content?.text ?? '');
let ids = 0;

/** Recipients acknowledge what they got with a cumulative `delivered` at most every 250 ms, as apps do. */
function receiptsEvery250ms(recipients: readonly LoadClient[]): { seen(i: number, conversationId: string, seq: number): void; stop(): void } {
  const highest = new Map<number, { conversationId: string; seq: number; told: number }>();
  const timer = setInterval(() => {
    for (const [i, h] of highest) {
      if (h.seq > h.told) {
        h.told = h.seq;
        recipients[i]!.request({ type: 'delivered', conversationId: h.conversationId, seq: h.seq }, () => undefined);
      }
    }
  }, 250);
  return {
    seen(i, conversationId, seq) {
      const h = highest.get(i);
      if (!h) highest.set(i, { conversationId, seq, told: 0 });
      else if (seq > h.seq) h.seq = seq;
    },
    stop: () => clearInterval(timer),
  };
}

export interface ThroughputResult {
  msgsPerSecond: number;
  /** Messages delivered from the start of the warm-up to the end. */
  sent: number;
  errors: Record<string, number>;
}

/** Closed loop: every sender keeps `window` in flight; counts deliveries during `durationMs` after `warmupMs`. */
export async function throughput(target: PairTarget, c: PairClients, o: { window: number; warmupMs: number; durationMs: number; messageBytes: number }): Promise<ThroughputResult> {
  const errors: Record<string, number> = {};
  let counting = false;
  let delivered = 0;
  let total = 0;
  let stopped = false;
  const receipts = receiptsEvery250ms(c.recipients);
  const sendOne = (i: number) => {
    if (stopped) return;
    c.senders[i]!.request(target.send(i, `b${++ids}`, pad(String(performance.now()), o.messageBytes)), (f) => {
      if (f.type === 'error') {
        const code = String(f.code);
        errors[code] = (errors[code] ?? 0) + 1;
        setTimeout(() => sendOne(i), 50); // keep the window full; a refused send is retried later
      }
    });
  };
  c.recipients.forEach((r, i) => {
    r.onPush = (f) => {
      if (f.type !== 'event') return;
      const event = f.event as { conversationId: string; seq: number };
      receipts.seen(i, event.conversationId, event.seq);
      if (counting) delivered++;
      total++;
      sendOne(i);
    };
  });
  for (let i = 0; i < target.pairs; i++) for (let w = 0; w < o.window; w++) sendOne(i);
  const seconds = await measuringWindow(o, (on) => (counting = on));
  stopped = true;
  receipts.stop();
  await drain(c);
  return { msgsPerSecond: delivered / seconds, sent: total, errors };
}

export interface LatencyResult {
  p50: number;
  p99: number;
  offered: number;
  achieved: number;
  samples: number;
}

/** Open loop at `rate` messages/s spread over the pairs; send-to-receive latency percentiles. */
export async function latency(target: PairTarget, c: PairClients, o: { rate: number; warmupMs: number; durationMs: number; messageBytes: number }): Promise<LatencyResult> {
  const samples: number[] = [];
  let counting = false;
  const receipts = receiptsEvery250ms(c.recipients);
  c.recipients.forEach((r, i) => {
    r.onPush = (f) => {
      if (f.type !== 'event') return;
      const event = f.event as { conversationId: string; seq: number; content?: { text?: string } };
      receipts.seen(i, event.conversationId, event.seq);
      if (counting) samples.push(performance.now() - sentAt(event));
    };
  });
  const start = performance.now();
  let sent = 0;
  let next = 0;
  const tick = setInterval(() => {
    const due = Math.floor(((performance.now() - start) / 1000) * o.rate);
    for (; sent < due; sent++) {
      const i = next++ % target.pairs;
      c.senders[i]!.request(target.send(i, `l${++ids}`, pad(String(performance.now()), o.messageBytes)), () => undefined);
    }
  }, 2);
  const seconds = await measuringWindow(o, (on) => (counting = on));
  clearInterval(tick);
  receipts.stop();
  await drain(c);
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), offered: o.rate, achieved: samples.length / seconds, samples: samples.length };
}

/** Waits out the warm-up, then counts (`count(true)`) for the duration; resolves with the seconds counted. */
async function measuringWindow(o: { warmupMs: number; durationMs: number }, count: (on: boolean) => void): Promise<number> {
  await new Promise((r) => setTimeout(r, o.warmupMs));
  count(true);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, o.durationMs));
  count(false);
  return (performance.now() - t0) / 1000;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/**
 * Waits until every request sent has been answered (an overloaded server may still be working
 * through a backlog: the next workload must not pay for it), then a little longer for the last
 * pushes to arrive.
 */
async function drain(c: PairClients): Promise<void> {
  const all = [...c.senders, ...c.recipients];
  for (const until = Date.now() + 180_000; all.some((x) => x.pending > 0); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > until) throw new Error(`${all.reduce((n, x) => n + x.pending, 0)} requests still unanswered 180 s after the load stopped`);
  }
  await new Promise((r) => setTimeout(r, 200));
  for (const r of c.recipients) r.onPush = () => undefined;
}

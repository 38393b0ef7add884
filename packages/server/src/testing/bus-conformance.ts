import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bus, BusMessage } from '../ports/index.js';

/**
 * What the suite needs: bus instances as separate nodes have them, all on one backend (one
 * broker; for the in-process bus, one shared hub), and a way to release them.
 */
export interface BusCluster {
  /** A new bus instance: one more node. */
  node(): Promise<Bus>;
  /** Closes every instance made and whatever the cluster holds. */
  close(): Promise<void>;
}

/** How long the suite waits for a message before it fails (a loaded 2-core machine). */
const WAIT_MS = 10_000;

/** Resolves when `check` returns true; polls (no fixed sleeps), fails after WAIT_MS. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A handler that records what it gets. */
function recorder(): { got: BusMessage[]; handler: (m: BusMessage) => void } {
  const got: BusMessage[] = [];
  return { got, handler: (m) => void got.push(m) };
}

let counter = 0;

/**
 * The one conformance suite of the bus port (ports/bus.ts): every adapter runs it. Delivery is
 * asynchronous on a broker, so every "nothing else arrived" is proved with a marker published
 * after it: once the marker is in, anything published before it on that subject would be too.
 * Subjects are unique per test, so a suite may share its broker with other tests.
 *
 *   busConformance('memory', async () => { const hub = new MemoryBusHub(); … });
 */
export function busConformance(name: string, open: () => Promise<BusCluster>): void {
  describe(`bus conformance: ${name}`, () => {
    let cluster: BusCluster | undefined;
    let prefix = '';
    /** A subject unique to this test, in the shape the server uses. */
    const subject = (kind: 'acct' | 'presence', id: string) => `${kind}.${prefix}_${id}`;

    beforeEach(async () => {
      cluster = await open();
      prefix = `acc_t${process.pid}x${Date.now().toString(36)}x${++counter}`;
    });
    afterEach(async () => {
      await cluster?.close();
      cluster = undefined;
    });

    it('delivers a publish to the subscriber of its subject', async () => {
      const bus = await cluster!.node();
      const r = recorder();
      const sub = bus.subscribe(subject('acct', 'a'), r.handler);
      await sub.ready;
      bus.publish(subject('acct', 'a'), { frame: '{"type":"ping"}' });
      await eventually(() => r.got.length === 1, 'the message');
      expect(r.got).toEqual([{ frame: '{"type":"ping"}' }]);
    });

    it('keeps subjects apart: a subscriber gets only its own subject', async () => {
      const bus = await cluster!.node();
      const [a, b, p] = [recorder(), recorder(), recorder()];
      const subs = [
        bus.subscribe(subject('acct', 'a'), a.handler),
        bus.subscribe(subject('acct', 'b'), b.handler),
        bus.subscribe(subject('presence', 'a'), p.handler),
      ];
      await Promise.all(subs.map((s) => s.ready));
      bus.publish(subject('acct', 'a'), { frame: 'to-a' });
      bus.publish(subject('acct', 'b'), { frame: 'to-b' });
      bus.publish(subject('presence', 'a'), { frame: 'presence-a' });
      bus.publish(subject('acct', 'c'), { frame: 'to-nobody' });
      for (const s of ['acct', 'presence'] as const) for (const id of ['a', 'b']) bus.publish(subject(s, id), { frame: 'marker' });
      await eventually(() => [a, b, p].every((r) => r.got.at(-1)?.frame === 'marker'), 'the markers');
      expect(a.got).toEqual([{ frame: 'to-a' }, { frame: 'marker' }]);
      expect(b.got).toEqual([{ frame: 'to-b' }, { frame: 'marker' }]);
      expect(p.got).toEqual([{ frame: 'presence-a' }, { frame: 'marker' }]);
    });

    it('delivers to every subscriber of a subject, the same handler subscribed twice included', async () => {
      const bus = await cluster!.node();
      const [one, two] = [recorder(), recorder()];
      const subs = [bus.subscribe(subject('acct', 'a'), one.handler), bus.subscribe(subject('acct', 'a'), two.handler), bus.subscribe(subject('acct', 'a'), two.handler)];
      await Promise.all(subs.map((s) => s.ready));
      bus.publish(subject('acct', 'a'), { frame: 'all' });
      await eventually(() => one.got.length === 1 && two.got.length === 2, 'three deliveries');
      expect(one.got).toEqual([{ frame: 'all' }]);
      expect(two.got).toEqual([{ frame: 'all' }, { frame: 'all' }]);
    });

    it('stops delivering to a subscription once it is unsubscribed; the others go on', async () => {
      const bus = await cluster!.node();
      const [gone, stays] = [recorder(), recorder()];
      const sub = bus.subscribe(subject('acct', 'a'), gone.handler);
      const other = bus.subscribe(subject('acct', 'a'), stays.handler);
      await Promise.all([sub.ready, other.ready]);
      bus.publish(subject('acct', 'a'), { frame: 'first' });
      await eventually(() => gone.got.length === 1 && stays.got.length === 1, 'the first message');
      sub.unsubscribe();
      sub.unsubscribe(); // twice is harmless
      bus.publish(subject('acct', 'a'), { frame: 'second' });
      await eventually(() => stays.got.length === 2, 'the second message');
      expect(gone.got).toEqual([{ frame: 'first' }]);
      expect(stays.got).toEqual([{ frame: 'first' }, { frame: 'second' }]);
    });

    it('preserves the message: the frame byte for byte (unicode, escapes, large), except and close', async () => {
      const bus = await cluster!.node();
      const r = recorder();
      await bus.subscribe(subject('acct', 'a'), r.handler).ready;
      const big = JSON.stringify({ type: 'event', text: 'x'.repeat(200_000) });
      const messages: BusMessage[] = [
        { frame: JSON.stringify({ type: 'event', text: 'héllo 🦦 — 你好 \u0000 "q" \\ \n\r\t', at: 1 }) },
        { frame: 'not json at all: \ud83e\udda6' },
        { frame: big },
        { frame: '{"type":"receipt"}', except: 'conn_01JDQ3ZB7W8Q0K1S2V3X4Y5Z6A' },
        { close: { code: 4200, reason: 'session revoked', deviceId: 'dev_01JDQ3ZB7W8Q0K1S2V3X4Y5Z6A' } },
        { close: { code: 4201, reason: 'account deleted — ✝' } },
        { close: { code: 4202, reason: 'replaced by a newer connection', deviceId: 'dev_x' }, except: 'conn_y' },
        { frame: '' },
        {},
      ];
      for (const m of messages) bus.publish(subject('acct', 'a'), m);
      await eventually(() => r.got.length === messages.length, 'every message');
      expect(r.got).toEqual(messages);
      expect(r.got[2]!.frame).toBe(big);
    });

    it('keeps the order of one publisher on one subject', async () => {
      const bus = await cluster!.node();
      const r = recorder();
      await bus.subscribe(subject('acct', 'a'), r.handler).ready;
      const n = 1000;
      for (let i = 0; i < n; i++) bus.publish(subject('acct', 'a'), { frame: String(i) });
      await eventually(() => r.got.length === n, `${n} messages`);
      expect(r.got.map((m) => Number(m.frame))).toEqual([...Array(n).keys()]);
    });

    it('connects nodes: each instance gets what the others publish, in order, and its own', async () => {
      const [a, b] = [await cluster!.node(), await cluster!.node()];
      const [onA, onB] = [recorder(), recorder()];
      await Promise.all([a.subscribe(subject('acct', 'x'), onA.handler).ready, b.subscribe(subject('acct', 'x'), onB.handler).ready]);
      const onlyB = recorder();
      await b.subscribe(subject('acct', 'y'), onlyB.handler).ready;
      for (let i = 0; i < 50; i++) a.publish(subject('acct', 'x'), { frame: `a${i}` });
      b.publish(subject('acct', 'x'), { frame: 'b0', except: 'conn_1' });
      a.publish(subject('acct', 'y'), { close: { code: 4201, reason: 'gone' } });
      await eventually(() => onA.got.length === 51 && onB.got.length === 51 && onlyB.got.length === 1, 'delivery on both nodes');
      for (const got of [onA.got, onB.got]) {
        expect(got.filter((m) => m.frame?.startsWith('a')).map((m) => m.frame)).toEqual([...Array(50).keys()].map((i) => `a${i}`));
        expect(got).toContainEqual({ frame: 'b0', except: 'conn_1' });
      }
      expect(onlyB.got).toEqual([{ close: { code: 4201, reason: 'gone' } }]);
    });

    it('close releases the instance without touching the other nodes', async () => {
      const [a, b] = [await cluster!.node(), await cluster!.node()];
      const [onA, onB] = [recorder(), recorder()];
      await Promise.all([a.subscribe(subject('acct', 'x'), onA.handler).ready, b.subscribe(subject('acct', 'x'), onB.handler).ready]);
      await a.close();
      b.publish(subject('acct', 'x'), { frame: 'after a closed' });
      await eventually(() => onB.got.length === 1, 'delivery on the open node');
      expect(onA.got).toEqual([]);
    });
  });
}

import type { AccountId } from '@ottr/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PresenceChange, PresenceDirectory } from '../ports/index.js';
import { eventually } from './bus-conformance.js';

/** Directory instances as separate nodes have them, all on one backend. */
export interface PresenceCluster {
  /** A new directory instance: one more node. */
  node(): Promise<PresenceDirectory>;
  /**
   * Stops a node as a crash would: no more heartbeats, its entries left behind. Absent when
   * the adapter has no such case (in-process nodes die with the process).
   */
  crash?(node: PresenceDirectory): Promise<void>;
  /** Closes every node still open and whatever the cluster holds. */
  close(): Promise<void>;
}

let counter = 0;

/**
 * The one conformance suite of the presence port (ports/presence.ts): every adapter runs it.
 * Account ids are unique per test, so adapters on a shared backend may run it concurrently.
 */
export function presenceConformance(name: string, open: () => Promise<PresenceCluster>): void {
  describe(`presence conformance: ${name}`, () => {
    let cluster: PresenceCluster | undefined;
    let prefix = '';
    const acc = (s: string) => `acc_${prefix}${s}` as AccountId;
    beforeEach(async () => {
      cluster = await open();
      prefix = `T${process.pid}X${Date.now().toString(36)}X${++counter}X`;
    });
    afterEach(async () => {
      await cluster?.close();
      cluster = undefined;
    });

    it('an account is online while some node has a connection of it; only real transitions are reported', async () => {
      const [a, b] = [await cluster!.node(), await cluster!.node()];
      const x = acc('x');
      expect(await a.online([x])).toEqual(new Set());
      expect(await a.connected(x)).toBe(true); // came online
      expect(await b.online([x])).toEqual(new Set([x]));
      expect(await b.connected(x)).toBe(false); // already online on a
      expect(await a.disconnected(x)).toBe(false); // still on b
      expect(await a.online([x])).toEqual(new Set([x]));
      expect(await b.disconnected(x)).toBe(true); // went offline
      expect(await a.online([x])).toEqual(new Set());
      expect(await b.online([x])).toEqual(new Set());
    });

    it('online answers for many accounts at once; unknown ones are offline', async () => {
      const [a, b] = [await cluster!.node(), await cluster!.node()];
      const ids = [...Array(30).keys()].map((i) => acc(`m${i}`));
      for (const [i, id] of ids.entries()) if (i % 3 !== 2) await (i % 3 === 0 ? a : b).connected(id);
      const expected = new Set(ids.filter((_, i) => i % 3 !== 2));
      expect(await a.online([...ids, acc('nobody')])).toEqual(expected);
      expect(await b.online(ids)).toEqual(expected);
      expect(await a.online([])).toEqual(new Set());
    });

    it('reporting again is harmless: a second connected, a disconnected of an unknown account', async () => {
      const a = await cluster!.node();
      const x = acc('x');
      expect(await a.connected(x)).toBe(true);
      expect(await a.connected(x)).toBe(true); // no other node has it
      expect(await a.online([x])).toEqual(new Set([x]));
      expect(await a.disconnected(x)).toBe(true);
      expect(await a.disconnected(x)).toBe(true);
      expect(await a.disconnected(acc('never'))).toBe(true);
      expect(await a.online([x])).toEqual(new Set());
    });

    it('when the last connections on two nodes close at once, exactly one node reports offline', async () => {
      const [a, b] = [await cluster!.node(), await cluster!.node()];
      for (let i = 0; i < 10; i++) {
        const x = acc(`race${i}`);
        await a.connected(x);
        await b.connected(x);
        const results = await Promise.all([a.disconnected(x), b.disconnected(x)]);
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await a.online([x])).toEqual(new Set());
      }
    });

    it('close withdraws the node: its accounts are offline for the others, others stay online', async () => {
      const [a, b] = [await cluster!.node(), await cluster!.node()];
      const [x, y] = [acc('x'), acc('y')];
      await a.connected(x);
      await a.connected(y);
      await b.connected(y);
      await a.close();
      expect(await b.online([x, y])).toEqual(new Set([y]));
    });

    it('a node that stops heartbeating is expired: its accounts go offline, reported once, on another node', async (ctx) => {
      if (!cluster!.crash) return ctx.skip(`${name}: nodes cannot die apart from the process`);
      const [a, b, c] = [await cluster!.node(), await cluster!.node(), await cluster!.node()];
      const changes: PresenceChange[] = [];
      b.onChange((change) => changes.push(change));
      c.onChange((change) => changes.push(change));
      const [x, y] = [acc('x'), acc('y')];
      await a.connected(x);
      await a.connected(y);
      await b.connected(y);
      await cluster!.crash(a);
      await eventually(() => changes.some((ch) => ch.accountIds.includes(x)), 'the expiry of the crashed node', 20_000);
      expect(await b.online([x, y])).toEqual(new Set([y]));
      expect(await c.online([x, y])).toEqual(new Set([y]));
      // Reported by one node only, and y (still on b) not at all.
      expect(changes.filter((ch) => !ch.online).flatMap((ch) => ch.accountIds).sort()).toEqual([x]);
    });
  });
}

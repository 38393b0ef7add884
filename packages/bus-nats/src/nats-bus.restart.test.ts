import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { BusMessage } from '@ottr/server';
import { eventually, inCI } from '@ottr/server/testing';
import { createNatsBus, type NatsBus, type NatsBusEvent } from './index.js';
import { NATS_SERVER_BIN, ownNatsServer, type OwnNatsServer } from './testing.js';

// These tests start a nats-server of their own, so they need its binary rather than a running
// NATS. In CI it must be there (Debian's package nats-server).
const haveBinary = existsSync(NATS_SERVER_BIN);
if (!haveBinary && inCI()) throw new Error(`${NATS_SERVER_BIN} is missing: CI must provide nats-server (see .ci/run)`);
if (!haveBinary) process.stderr.write(`${NATS_SERVER_BIN} is missing: skipping the NATS restart tests\n`);

describe.skipIf(!haveBinary)('NATS bus across a broker restart', () => {
  let server: OwnNatsServer | undefined;
  const buses: NatsBus[] = [];
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
    await server?.kill();
    server = undefined;
  });

  const open = async (name: string, events: NatsBusEvent[] = []) => {
    const bus = await createNatsBus({ url: server!.url, name, reconnectMinMs: 50, reconnectMaxMs: 400, onEvent: (e) => events.push(e) });
    buses.push(bus);
    return bus;
  };

  it('loses what is published while the broker is down, resubscribes, and delivers again once it is back', async () => {
    server = await ownNatsServer();
    const subEvents: NatsBusEvent[] = [];
    const [pub, sub] = [await open('pub'), await open('sub', subEvents)];
    const got: BusMessage[] = [];
    await sub.subscribe('acct.acc_restart', (m) => void got.push(m)).ready;

    for (let i = 0; i < 20; i++) pub.publish('acct.acc_restart', { frame: `before-${i}` });
    await eventually(() => got.length === 20, 'the messages before the restart');

    await server.kill();
    await eventually(() => pub.state === 'reconnecting' && sub.state === 'reconnecting', 'both buses to notice');
    for (let i = 0; i < 20; i++) pub.publish('acct.acc_restart', { frame: `down-${i}` });
    expect(pub.droppedCount).toBe(20);

    await server.start();
    await eventually(() => pub.state === 'connected' && sub.state === 'connected', 'both buses to reconnect', 20_000);
    expect(subEvents.map((e) => e.type)).toEqual(expect.arrayContaining(['disconnected', 'reconnected']));
    // The subscriber re-registered its subscription on reconnect; once a probe gets through,
    // everything after it does, in order.
    let probes = 0;
    await eventually(() => {
      if (got.some((m) => m.frame?.startsWith('probe'))) return true;
      pub.publish('acct.acc_restart', { frame: `probe-${probes++}` });
      return false;
    }, 'delivery to resume', 20_000);
    for (let i = 0; i < 20; i++) pub.publish('acct.acc_restart', { frame: `after-${i}` });
    await eventually(() => got.filter((m) => m.frame?.startsWith('after')).length === 20, 'the messages after the restart');

    const frames = got.map((m) => m.frame!);
    expect(frames.slice(0, 20)).toEqual([...Array(20).keys()].map((i) => `before-${i}`));
    expect(frames.filter((f) => f.startsWith('down'))).toEqual([]); // at-most-once: lost, healed by sync
    expect(frames.filter((f) => f.startsWith('after'))).toEqual([...Array(20).keys()].map((i) => `after-${i}`));
  });

  it('subscriptions made while the broker is down take effect once it is back', async () => {
    server = await ownNatsServer();
    const [pub, sub] = [await open('pub'), await open('sub')];
    await server.kill();
    await eventually(() => sub.state === 'reconnecting', 'the bus to notice');
    const got: BusMessage[] = [];
    const subscription = sub.subscribe('acct.acc_later', (m) => void got.push(m));
    await server.start();
    await subscription.ready;
    await eventually(() => pub.state === 'connected', 'the publisher to reconnect', 20_000);
    pub.publish('acct.acc_later', { frame: 'hello' });
    await eventually(() => got.length === 1, 'the message');
    expect(got).toEqual([{ frame: 'hello' }]);
  });

  it('close drains: what was published before close is delivered, and close resolves while the broker is down too', async () => {
    server = await ownNatsServer();
    const [pub, sub] = [await open('pub'), await open('sub')];
    const got: BusMessage[] = [];
    await sub.subscribe('acct.acc_drain', (m) => void got.push(m)).ready;
    for (let i = 0; i < 500; i++) pub.publish('acct.acc_drain', { frame: String(i) });
    await pub.close();
    expect(pub.state).toBe('closed');
    await eventually(() => got.length === 500, 'every message published before close');
    await server.kill();
    await eventually(() => sub.state === 'reconnecting', 'the bus to notice');
    await sub.close();
    expect(sub.state).toBe('closed');
  });
});

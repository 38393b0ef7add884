// (a) Connections cut at random moments (a TCP proxy between the clients and the server drops
// both sides of a connection every few hundred ms) while two clients exchange hundreds of
// messages both ways: every message arrives exactly once, in order, and every status ends at
// sent, delivered or read.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OttrError, type ConversationId, type OttrClient } from '@ottr/sdk/node';
import { startChaosProxy, type ChaosProxy } from '../support/chaos-proxy.js';
import { startServer, type TestServer } from '../support/server.js';
import { nodeClient, pause, textOf } from './helpers.js';
import { until } from './suite.js';

let server: TestServer;
let proxy: ChaosProxy;
beforeAll(async () => {
  server = await startServer();
  proxy = await startChaosProxy(server.url);
});
afterAll(async () => {
  await proxy.close();
  await server.close();
});

const PER_SIDE = 250;
const BURST = 10;

function receivedTexts(c: OttrClient, cid: ConversationId): (string | null)[] {
  return c.messages.list(cid).filter((m) => m.status === null).map(textOf);
}

it(`${PER_SIDE} messages each way arrive exactly once and in order while connections are cut at random`, async () => {
  const [sa, sb] = await Promise.all([server.signIn(), server.signIn()]);
  const a = nodeClient(proxy.url, sa);
  const b = nodeClient(proxy.url, sb);
  const announced = new Map<OttrClient, string[]>([
    [a, []],
    [b, []],
  ]);
  for (const c of [a, b]) c.on('message', (m) => announced.get(c)!.push(textOf(m.message)!));
  const errors: { error: unknown; context: string }[] = [];
  for (const c of [a, b]) c.on('error', (e) => errors.push(e));
  try {
    const cid = (await a.conversations.openDirect(sb.accountId as never)).conversation.id;
    await Promise.all([a.connect(), b.connect()]);
    const seed = 0x5eed;
    let x = seed;
    const random = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    proxy.startChaos(40, 250, random);
    const fromA = Array.from({ length: PER_SIDE }, (_, i) => `a-${i}`);
    const fromB = Array.from({ length: PER_SIDE }, (_, i) => `b-${i}`);
    for (let i = 0; i < PER_SIDE; i += BURST) {
      for (const t of fromA.slice(i, i + BURST)) a.messages.send(cid, t);
      for (const t of fromB.slice(i, i + BURST)) b.messages.send(cid, t);
      // Paced so that the exchange spans ~3 s of cuts (40–250 ms apart) however fast the server
      // is: a fast server once finished before the tenth cut.
      await pause(80 + random() * 80);
    }
    await until([a, b], () => receivedTexts(b, cid).length === PER_SIDE && receivedTexts(a, cid).length === PER_SIDE, 'every message at both sides', 90_000);
    proxy.stopChaos();
    expect(proxy.cuts).toBeGreaterThan(10);

    expect(receivedTexts(b, cid)).toEqual(fromA);
    expect(receivedTexts(a, cid)).toEqual(fromB);
    expect(announced.get(b)).toEqual(fromA);
    expect(announced.get(a)).toEqual(fromB);

    // A side may have delivered its last message without having seen the server's answer yet
    // (the connection was cut in between): its outbox settles by resending the same clientMsgId.
    await until([a, b], () => a.messages.pending().length === 0 && b.messages.pending().length === 0, 'empty outboxes');
    // Both sides hold the same timeline: 1 + 2 × PER_SIDE events, no gap, no repeat.
    const seqs = a.messages.list(cid).map((m) => m.seq);
    expect(seqs).toEqual(b.messages.list(cid).map((m) => m.seq));
    expect(seqs).toEqual(Array.from({ length: 2 * PER_SIDE }, (_, i) => i + 2));

    const own = (c: OttrClient) => c.messages.list(cid).filter((m) => m.status !== null);
    for (const c of [a, b]) expect(new Set(own(c).map((m) => m.status))).toSatisfy((s: Set<string>) => [...s].every((x) => ['sent', 'delivered', 'read'].includes(x)));
    // Connections are steady again: what arrived is acknowledged, then read.
    await until([a, b], () => own(a).every((m) => m.status === 'delivered' || m.status === 'read') && own(b).every((m) => m.status === 'delivered' || m.status === 'read'), 'delivered everywhere', 30_000);
    await Promise.all([a.messages.markRead(cid), b.messages.markRead(cid)]);
    await until([a, b], () => own(a).every((m) => m.status === 'read') && own(b).every((m) => m.status === 'read'), 'read everywhere', 30_000);

    // The server holds each message once.
    const history = await a.messages.history(cid, { limit: 100 });
    expect(history.events.filter((e) => e.type === 'message')).toHaveLength(100);
  } finally {
    proxy.stopChaos();
    await Promise.all([a.close(), b.close()]);
  }
  // Cut connections may fail background requests (network, status 0); nothing else may fail.
  expect(errors.filter((e) => !(e.error instanceof OttrError && e.error.status === 0))).toEqual([]);
}, 180_000);

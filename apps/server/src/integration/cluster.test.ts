import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationEvent, ConversationId, ConversationListItem } from '@ottr/protocol';
import { TEST_NATS_URL } from '@ottr/bus-nats/testing';
import { requireService } from '@ottr/server/testing';
import { createTestDatabase, TEST_POSTGRES_URL } from '@ottr/store-postgres/testing';
import { startTestNode, type TestDevice, type TestNode } from '../test-support/harness.js';
import { rest } from '../test-support/rest.js';
import type { TestClient } from '../test-support/ws-client.js';

const text = (s: string) => ({ kind: 'text' as const, text: s });
type Presence = { accountId: string; online: boolean; lastSeenAt: number | null };

const services = (await requireService('PostgreSQL', TEST_POSTGRES_URL)) && (await requireService('NATS', TEST_NATS_URL));

describe.runIf(services)('two nodes on one PostgreSQL database and the NATS bus (OTTR_STORE=postgres, OTTR_BUS=nats)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let one: TestNode;
  let two: TestNode;
  let ada: TestDevice;
  let ben: TestDevice;
  let cnv: ConversationId;
  let a: TestClient;
  let b: TestClient;
  const sendsPerDevice = { limit: 8, windowMs: 60_000 };

  // What `OTTR_STORE=postgres OTTR_BUS=nats OTTR_NATS_URL=…` gives every node; presence and rate
  // limits follow the store (postgres).
  const start = () =>
    startTestNode({
      store: { driver: 'postgres', postgres: { url: db.url, poolSize: 4 } },
      bus: { driver: 'nats', nats: { url: TEST_NATS_URL } },
      limits: { sendsPerDevice },
      secret: 's'.repeat(32),
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    [one, two] = [await start(), await start()];
    ada = await one.signIn();
    ben = await two.signIn();
    const res = await ada.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'direct', peer: ben.accountId });
    expect(res.status).toBe(200);
    cnv = res.body.conversation.id;
    // Ada is connected to node one, Ben to node two.
    [a, b] = [await one.connect(ada), await two.connect(ben)];
  }, 90_000);
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await db?.drop();
  });

  it('picks the drivers by name', () => {
    for (const n of [one, two]) {
      expect(n.node.config.bus.driver).toBe('nats');
      expect(n.node.config.presence.driver).toBe('postgres');
      expect(n.node.config.rateLimiter.driver).toBe('postgres');
    }
  });

  it('messages cross nodes live, both ways, with delivered and read receipts', async () => {
    const { event } = await a.call<{ event: ConversationEvent }>({ type: 'send', conversationId: cnv, clientMsgId: 'x-1', content: text('hello from node one 🦦') });
    expect((await b.next('event', (f) => f.event.id === event.id)).event).toEqual(event);

    await b.call({ type: 'delivered', conversationId: cnv, seq: event.seq });
    expect(await a.next('receipt', (f) => f.deliveredSeq === event.seq)).toMatchObject({ conversationId: cnv, accountId: ben.accountId, deliveredSeq: event.seq });
    await b.call({ type: 'read', conversationId: cnv, seq: event.seq });
    expect(await a.next('receipt', (f) => f.readSeq === event.seq)).toMatchObject({ accountId: ben.accountId, readSeq: event.seq });

    const reply = await b.call<{ event: ConversationEvent }>({ type: 'send', conversationId: cnv, clientMsgId: 'y-1', content: text('and back from node two') });
    expect((await a.next('event', (f) => f.event.id === reply.event.id)).event).toEqual(reply.event);
    expect(reply.event.seq).toBe(event.seq + 1);

    // Ada's second device on node two gets her own message too (every device of every member).
    const tablet = await two.connect(await one.signIn(ada.email, 'tablet'));
    const mine = await a.call<{ event: ConversationEvent }>({ type: 'send', conversationId: cnv, clientMsgId: 'x-2', content: text('to all my devices') });
    expect((await tablet.next('event', (f) => f.event.id === mine.event.id)).event).toEqual(mine.event);
    expect((await b.next('event', (f) => f.event.id === mine.event.id)).event).toEqual(mine.event);
    await tablet.close();
  });

  it('typing crosses nodes', async () => {
    await b.call({ type: 'typing', conversationId: cnv, state: 'typing' });
    expect(await a.next('typing', (f) => f.state === 'typing')).toMatchObject({ conversationId: cnv, accountId: ben.accountId, state: 'typing' });
    await a.call({ type: 'typing', conversationId: cnv, state: 'stopped' });
    expect(await b.next('typing', (f) => f.state === 'stopped')).toMatchObject({ conversationId: cnv, accountId: ada.accountId });
  });

  it('presence is shared: online on the other node, offline when the last device anywhere leaves, online again', async () => {
    const seen = await a.call<{ presence: Presence[] }>({ type: 'presence_subscribe', accountIds: [ben.accountId] });
    expect(seen.presence).toEqual([expect.objectContaining({ accountId: ben.accountId, online: true })]);
    const viaRest = await ada.api<{ items: Presence[] }>('GET', `/v1/presence?accountIds=${ben.accountId}`);
    expect(viaRest.body.items[0]).toMatchObject({ online: true });

    // A second device of Ben on node one, then his device on node two leaves: still online.
    const phone = await one.connect(await two.signIn(ben.email, 'phone'));
    await b.close();
    expect((await ada.api<{ items: Presence[] }>('GET', `/v1/presence?accountIds=${ben.accountId}`)).body.items[0]).toMatchObject({ online: true });
    // His last device (on node one) leaves: offline, announced to Ada once.
    await phone.close();
    const offline = await a.next('presence', (f) => f.accountId === ben.accountId && !f.online);
    expect(offline.lastSeenAt).toEqual(expect.any(Number));
    expect((await ada.api<{ items: Presence[] }>('GET', `/v1/presence?accountIds=${ben.accountId}`)).body.items[0]).toMatchObject({ online: false });
    expect(a.seen('presence').filter((f) => f.accountId === ben.accountId && !f.online)).toEqual([]); // no second offline

    b = await two.connect(ben);
    expect(await a.next('presence', (f) => f.accountId === ben.accountId && f.online)).toMatchObject({ online: true });
  });

  it('counts a rate limit once across both nodes', async () => {
    // One device sends through both nodes' REST APIs: the limit (8 a minute) holds for the pair.
    const device = await one.signIn(ada.email, 'rate-limited');
    const onTwo = { ...device, api: rest(two.url, device.accessToken) };
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const via = i % 2 === 0 ? device : onTwo;
      statuses.push((await via.api('POST', `/v1/conversations/${cnv}/messages`, { clientMsgId: `rl-${i}`, content: text(`n${i}`) })).status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(sendsPerDevice.limit);
    expect(statuses.filter((s) => s === 429)).toHaveLength(12 - sendsPerDevice.limit);
  });
});

import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationId, ConversationListItem, PushConfig, PushPayload, WebPushTarget } from '@ottr/protocol';
import { eventually, startFakeWebPushService, type FakeWebPushService, type WebPushReceived } from '@ottr/server/testing';
import { startTestNode, type TestDevice, type TestNode } from '../test-support/harness.js';

/**
 * The push rules end to end: a real node (SQLite, Web Push with generated VAPID keys) sends to a
 * local Web Push service that decrypts every push and checks its VAPID signature. Negative
 * cases ("no push") are checked against a control member of the same conversation, whose push
 * comes from the same job run: once it arrived, a push for the other member would have too.
 */
const GRACE_MS = 300;
let t: TestNode;
let fake: FakeWebPushService;

beforeAll(async () => {
  fake = await startFakeWebPushService();
  t = await startTestNode({ push: { graceMs: GRACE_MS, allowInsecureEndpoints: true, backoffMs: 50 }, jobs: { pollMs: 50 } });
});
afterAll(async () => {
  await t.close();
  await fake.close();
});
beforeEach(() => fake.clear());

const text = (s: string) => ({ kind: 'text' as const, text: s });

/** Signs in a device and registers a fresh subscription of the fake for it. */
async function subscribed(email?: string, name?: string): Promise<TestDevice & { sub: WebPushTarget }> {
  const device = await t.signIn(email, name);
  const sub = fake.subscribe();
  const res = await device.api('PUT', '/v1/me/push/webpush', sub);
  expect(res.status).toBe(200);
  return { ...device, sub };
}

async function direct(a: TestDevice, b: TestDevice): Promise<ConversationId> {
  const res = await a.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'direct', peer: b.accountId });
  return res.body.conversation.id;
}

async function group(owner: TestDevice, members: TestDevice[], title = 'Crew'): Promise<ConversationId> {
  const res = await owner.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'group', title, members: members.map((m) => m.accountId) });
  expect(res.status).toBe(200);
  return res.body.conversation.id;
}

let n = 0;
async function send(from: TestDevice, cnv: ConversationId, content: object): Promise<number> {
  const res = await from.api<{ event: { seq: number } }>('POST', `/v1/conversations/${cnv}/messages`, { clientMsgId: `c${++n}`, content });
  expect(res.status).toBe(200);
  return res.body.event.seq;
}

const pushesTo = (sub: WebPushTarget): WebPushReceived[] => fake.received.filter((r) => r.endpoint === sub.endpoint);
const payloadsTo = (sub: WebPushTarget) => pushesTo(sub).map((r) => r.payload as PushPayload);

describe('push configuration and registration', () => {
  it('offers Web Push with the VAPID key generated into the data directory, and only what is configured', async () => {
    const ada = await t.signIn();
    const config = (await ada.api<PushConfig>('GET', '/v1/push/config')).body;
    const kept = JSON.parse(await readFile(path.join(t.dataDir, 'vapid.json'), 'utf8')) as { publicKey: string };
    expect(config).toEqual({ webpush: { publicKey: kept.publicKey }, fcm: false, apns: false });
    const fcm = await ada.api<{ code: string }>('PUT', '/v1/me/push/fcm', { token: 'abc' });
    expect(fcm.status).toBe(422);
    expect(fcm.body.code).toBe('push_not_configured');
  });

  it("lists, replaces and deletes this device's target; other devices keep theirs", async () => {
    const ada = await subscribed();
    const phone = await subscribed(ada.email, 'phone');
    const list = await ada.api<{ items: { kind: string; deviceId: string }[] }>('GET', '/v1/me/push');
    expect(list.body.items).toEqual([expect.objectContaining({ kind: 'webpush', deviceId: ada.deviceId })]);
    expect((await ada.api('PUT', '/v1/me/push/webpush', fake.subscribe())).status).toBe(200);
    expect((await ada.api<{ items: unknown[] }>('GET', '/v1/me/push')).body.items).toHaveLength(1);
    expect((await ada.api('DELETE', '/v1/me/push/webpush')).status).toBe(204);
    expect((await ada.api<{ items: unknown[] }>('GET', '/v1/me/push')).body.items).toEqual([]);
    expect((await phone.api<{ items: unknown[] }>('GET', '/v1/me/push')).body.items).toHaveLength(1);
  });

  it('refuses malformed subscriptions with a clear error', async () => {
    const ada = await t.signIn();
    const good = fake.subscribe();
    for (const bad of [
      { ...good, endpoint: 'not a url' },
      { ...good, endpoint: 'ftp://push.example.com/x' },
      { ...good, keys: { ...good.keys, p256dh: 'short' } },
      { ...good, keys: { p256dh: good.keys.p256dh } },
      { endpoint: good.endpoint },
    ]) {
      const res = await ada.api<{ code: string }>('PUT', '/v1/me/push/webpush', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
  });
});

describe('when to push', () => {
  it('a member with no device online gets one push within seconds: decrypted, signed with the VAPID key, collapsed per conversation', async () => {
    const ada = await t.signIn();
    const ben = await subscribed();
    await ada.api('PATCH', '/v1/me', { displayName: 'Ada' });
    const cnv = await direct(ada, ben);
    const seq = await send(ada, cnv, text('Lunch at noon?'));

    const [got] = await fake.waitFor(1, 5000);
    const config = (await ben.api<PushConfig>('GET', '/v1/push/config')).body;
    expect(got!.endpoint).toBe(ben.sub.endpoint);
    expect(got!.vapidPublicKey).toBe(config.webpush!.publicKey);
    expect(got!.payload).toEqual({ type: 'message', conversationId: cnv, seq, title: 'Ada', body: 'Lunch at noon?', count: 1, badge: 1, senderId: ada.accountId });
    expect(got!.headers.urgency).toBe('high');
    expect(got!.headers.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(fake.errors).toEqual([]);
  });

  it('a member whose device confirmed delivery within the grace period gets none', async () => {
    const ada = await t.signIn();
    const ben = await subscribed();
    const cyd = await subscribed();
    const cnv = await group(ada, [ben, cyd]);
    const online = await t.connect(ben);
    const seq = await send(ada, cnv, text('are you there?'));
    await online.next('event', (f) => f.event.seq === seq);
    await online.call({ type: 'delivered', conversationId: cnv, seq });
    await eventually(() => pushesTo(cyd.sub).length === 1, "the control member's push");
    expect(pushesTo(ben.sub)).toEqual([]);
    await online.close();
  });

  it('ten messages in a burst make one notification; a later one replaces it under the same topic', async () => {
    const ada = await t.signIn();
    const ben = await subscribed();
    const cnv = await direct(ada, ben);
    let last = 0;
    for (let i = 1; i <= 10; i++) last = await send(ada, cnv, text(`message ${i}`));
    await fake.waitFor(1, 5000);
    await new Promise((r) => setTimeout(r, GRACE_MS + 300));
    const first = payloadsTo(ben.sub);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ type: 'message', seq: last, count: 10, body: 'message 10', badge: 10 });
    expect(first[0]!.type === 'message' && first[0]!.title).toMatch(/\(10 messages\)$/);

    await send(ada, cnv, text('one more'));
    await eventually(() => pushesTo(ben.sub).length === 2, 'the second push');
    const topics = pushesTo(ben.sub).map((r) => r.headers.topic);
    expect(topics[1]).toBe(topics[0]);
    expect(payloadsTo(ben.sub)[1]).toMatchObject({ count: 11, body: 'one more' });
  });

  it('a muted conversation pushes nothing; a mention breaks through a group mute unless the member turned that off', async () => {
    const ada = await t.signIn();
    const ben = await subscribed();
    const cyd = await subscribed();
    const cnv = await group(ada, [ben, cyd]);
    expect((await ben.api('PATCH', `/v1/conversations/${cnv}/membership`, { muteUntil: Date.now() + 3_600_000 })).status).toBe(200);

    await send(ada, cnv, text('plain'));
    await eventually(() => pushesTo(cyd.sub).length === 1, "the control member's push");
    expect(pushesTo(ben.sub)).toEqual([]);

    const mention = { kind: 'text', text: '@Ben look', mentions: [{ accountId: ben.accountId, offset: 0, length: 4 }] };
    await send(ada, cnv, mention);
    await eventually(() => pushesTo(ben.sub).length === 1, 'the mention push');
    expect(payloadsTo(ben.sub)[0]).toMatchObject({ mention: true, body: expect.stringContaining('@Ben look') });

    expect((await ben.api('PATCH', '/v1/me/notifications', { mentionsBreakMute: false })).status).toBe(200);
    await send(ada, cnv, mention);
    await eventually(() => pushesTo(cyd.sub).length === 3, "the control member's third push");
    expect(pushesTo(ben.sub)).toHaveLength(1);
  });

  it('in do-not-disturb hours a push arrives quietly (no sound, normal urgency)', async () => {
    const ada = await t.signIn();
    const ben = await subscribed();
    const cyd = await subscribed();
    const cnv = await group(ada, [ben, cyd]);
    const now = new Date();
    const hhmm = (d: Date) => `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
    const dnd = { from: hhmm(new Date(now.getTime() - 3_600_000)), to: hhmm(new Date(now.getTime() + 3_600_000)), timeZone: 'UTC' };
    const set = await ben.api('PATCH', '/v1/me/notifications', { dnd });
    expect(set.body).toMatchObject({ dnd });
    await send(ada, cnv, text('late night'));
    await eventually(() => pushesTo(cyd.sub).length === 1 && pushesTo(ben.sub).length === 1, 'both pushes');
    expect(payloadsTo(ben.sub)[0]).toMatchObject({ body: expect.stringContaining('late night'), quiet: true });
    expect(pushesTo(ben.sub)[0]!.headers.urgency).toBe('normal');
    expect(payloadsTo(cyd.sub)[0]).not.toHaveProperty('quiet');
    expect(pushesTo(cyd.sub)[0]!.headers.urgency).toBe('high');
    expect((await ben.api<{ code: string }>('PATCH', '/v1/me/notifications', { dnd: { ...dnd, timeZone: 'Mars/Olympus' } })).body.code).toBe('validation_failed');
  });

  it('privacy: sender only, or nothing at all', async () => {
    const ada = await t.signIn();
    await ada.api('PATCH', '/v1/me', { displayName: 'Ada' });
    const ben = await subscribed();
    const cyd = await subscribed();
    expect((await ben.api('PATCH', '/v1/me/notifications', { privacy: 'sender' })).body).toMatchObject({ privacy: 'sender', mentionsBreakMute: true, dnd: null });
    expect((await cyd.api('PATCH', '/v1/me/notifications', { privacy: 'none' })).status).toBe(200);
    const cnv = await group(ada, [ben, cyd], 'Plans');
    await send(ada, cnv, text('the secret plan'));
    await eventually(() => pushesTo(ben.sub).length === 1 && pushesTo(cyd.sub).length === 1, 'both pushes');
    expect(payloadsTo(ben.sub)[0]).toMatchObject({ title: 'Plans', body: 'Ada: New message', senderId: ada.accountId });
    expect(payloadsTo(cyd.sub)[0]).toMatchObject({ title: 'ottr', body: 'New message' });
    expect(payloadsTo(cyd.sub)[0]).not.toHaveProperty('senderId');
    for (const r of [...pushesTo(ben.sub), ...pushesTo(cyd.sub)]) expect(JSON.stringify(r.payload)).not.toContain('secret');
  });

  it('a read on one device clears the notification on the others, with the new badge', async () => {
    const ada = await t.signIn();
    const ben = await subscribed();
    const benPhone = await subscribed(ben.email, 'phone');
    const cnv = await direct(ada, ben);
    const first = await send(ada, cnv, text('ping'));
    const seq = await send(ada, cnv, text('pong'));
    await eventually(() => pushesTo(ben.sub).length === 1 && pushesTo(benPhone.sub).length === 1, 'the push on both devices');

    // Reading only part of what the notification showed leaves it.
    expect((await ben.api('POST', `/v1/conversations/${cnv}/read`, { seq: first })).status).toBe(204);
    await new Promise((r) => setTimeout(r, 300));
    expect(pushesTo(benPhone.sub)).toHaveLength(1);
    expect((await ben.api('POST', `/v1/conversations/${cnv}/read`, { seq })).status).toBe(204);
    await eventually(() => pushesTo(benPhone.sub).length === 2, 'the clear');
    expect(payloadsTo(benPhone.sub)[1]).toEqual({ type: 'clear', conversationId: cnv, badge: 0 });
    expect(pushesTo(benPhone.sub)[1]!.headers.urgency).toBe('normal');
    // The device that read needs no clear; reading again changes nothing.
    await ben.api('POST', `/v1/conversations/${cnv}/read`, { seq });
    await new Promise((r) => setTimeout(r, 300));
    expect(pushesTo(ben.sub)).toHaveLength(1);
    expect(pushesTo(benPhone.sub)).toHaveLength(2);
  });

  it('a signed-out device is not woken any more', async () => {
    const ada = await t.signIn();
    const ben = await subscribed();
    const benPhone = await subscribed(ben.email, 'phone');
    const cnv = await direct(ada, ben);
    expect((await ben.api('DELETE', `/v1/me/devices/${benPhone.deviceId}`)).status).toBe(204);
    await send(ada, cnv, text('hello'));
    await eventually(() => pushesTo(ben.sub).length === 1, 'the push to the remaining device');
    await new Promise((r) => setTimeout(r, 200));
    expect(pushesTo(benPhone.sub)).toEqual([]);
  });
});

describe('delivery of pushes', () => {
  const metric = async (line: RegExp): Promise<number> => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const found = text.split('\n').find((l) => line.test(l));
    return found === undefined ? 0 : Number(found.split(' ').pop());
  };

  it('a target the service says is gone (410) is removed, and counted', async () => {
    const ada = await t.signIn();
    const ben = await subscribed();
    const cnv = await direct(ada, ben);
    const pruned = await metric(/^push_pruned_total\{provider="webpush"\}/);
    fake.unsubscribe(ben.sub.endpoint);
    await send(ada, cnv, text('anyone?'));
    await eventually(async () => (await ben.api<{ items: unknown[] }>('GET', '/v1/me/push')).body.items.length === 0, 'the gone target removed', 5000);
    expect(await metric(/^push_pruned_total\{provider="webpush"\}/)).toBe(pruned + 1);
  });

  it('429 and 5xx are tried again with backoff until the push goes through', async () => {
    const ada = await t.signIn();
    const ben = await subscribed();
    const cnv = await direct(ada, ben);
    const sent = await metric(/^push_sent_total\{provider="webpush"\}/);
    const retried = await metric(/^push_failed_total\{provider="webpush",reason="retry"\}/);
    fake.failNext(503);
    fake.failNext(429, { 'retry-after': '0' });
    await send(ada, cnv, text('eventually'));
    await eventually(() => pushesTo(ben.sub).length === 1, 'the push after two failures');
    expect(payloadsTo(ben.sub)[0]).toMatchObject({ body: 'eventually' });
    expect(await metric(/^push_failed_total\{provider="webpush",reason="retry"\}/)).toBe(retried + 2);
    expect(await metric(/^push_sent_total\{provider="webpush"\}/)).toBe(sent + 1);
    expect(await metric(/^push_latency_seconds_count\{provider="webpush"\}/)).toBeGreaterThan(0);
  });
});

describe('registration checks without the test flag', () => {
  let strict: TestNode;
  beforeAll(async () => {
    strict = await startTestNode();
  });
  afterAll(() => strict.close());

  it('accepts only https endpoints on public hosts: the server must not be made to POST into its own network', async () => {
    const ada = await strict.signIn();
    const keys = fake.subscribe().keys;
    for (const endpoint of ['http://push.example.com/x', 'https://127.0.0.1/x', 'https://localhost:8443/x', 'https://10.1.2.3/x', 'https://[::1]/x', 'https://user:pw@push.example.com/x']) {
      const res = await ada.api<{ code: string; detail: string }>('PUT', '/v1/me/push/webpush', { endpoint, keys });
      expect(res.status, endpoint).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
    expect((await ada.api('PUT', '/v1/me/push/webpush', { endpoint: 'https://push.example.com/send/abc', keys })).status).toBe(200);
  });

  it('keeps its VAPID keys across restarts of the same data directory', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'ottr-vapid-'));
    try {
      const keys: string[] = [];
      for (let i = 0; i < 2; i++) {
        const node = await startTestNode({ dataDir });
        const ada = await node.signIn();
        keys.push((await ada.api<PushConfig>('GET', '/v1/push/config')).body.webpush!.publicKey);
        await node.close();
      }
      const kept = JSON.parse(await readFile(path.join(dataDir, 'vapid.json'), 'utf8')) as { publicKey: string };
      expect(keys).toEqual([kept.publicKey, kept.publicKey]);
      expect((await stat(path.join(dataDir, 'vapid.json'))).mode & 0o077).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

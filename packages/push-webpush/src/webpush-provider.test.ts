import { createPrivateKey, sign } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PushMessage } from '@ottr/server';
import { pushTarget, startFakeWebPushService, type FakeWebPushService } from '@ottr/server/testing';
import webpush from 'web-push';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWebPushProvider, generateVapidKeys, webPushTopic } from './index.js';

const vapid = { ...generateVapidKeys(), subject: 'https://ottr.example/contact' };
const conversationId = 'cnv_01JD5Y7Q4ZB8V6N2K3M9P0R1ST' as PushMessage['payload']['conversationId'];
const message: PushMessage = {
  payload: { type: 'message', conversationId, seq: 1, title: 'Ada', body: 'hello', count: 1, badge: 1 },
  ttlSeconds: 300,
  urgency: 'high',
};

const record = (sub: { endpoint: string; keys: { p256dh: string; auth: string } }) => pushTarget('webpush', sub.endpoint, { ...sub.keys });

/** The claims of the VAPID JWT in an Authorization header `vapid t=<JWT>, k=<key>`. */
function claimsOf(authorization: string | undefined): Record<string, unknown> {
  const jwt = /t=([^,]+)/.exec(authorization ?? '')?.[1] ?? '';
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

describe('Web Push provider', () => {
  let fake: FakeWebPushService;
  const provider = createWebPushProvider({ vapid, timeoutMs: 300 });

  beforeEach(async () => {
    fake = await startFakeWebPushService();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('signs with the configured VAPID key: k is its public key, aud the endpoint origin, sub the subject, exp within 24 h', async () => {
    expect(await provider.send(record(fake.subscribe()), message)).toMatchObject({ outcome: 'sent' });
    const [got] = await fake.waitFor(1);
    expect(fake.errors).toEqual([]);
    expect(got!.vapidPublicKey).toBe(vapid.publicKey);
    const claims = claimsOf(got!.headers.authorization);
    expect(claims).toMatchObject({ aud: fake.origin, sub: vapid.subject });
    const now = Date.now() / 1000;
    expect(claims.exp).toBeGreaterThan(now);
    expect(claims.exp).toBeLessThanOrEqual(now + 24 * 3600);
  });

  it('a subscription the browser dropped (410) or the service forgot (404) is gone', async () => {
    const dropped = fake.subscribe();
    fake.unsubscribe(dropped.endpoint);
    expect(await provider.send(record(dropped), message)).toMatchObject({ outcome: 'gone', reason: expect.stringContaining('410') });
    const forgotten = { ...fake.subscribe(), endpoint: `${fake.origin}/push/never-issued` };
    expect(await provider.send(record(forgotten), message)).toMatchObject({ outcome: 'gone', reason: expect.stringContaining('404') });
  });

  it('Retry-After as an HTTP date gives the milliseconds until then; a 503 without it retries with no delay given', async () => {
    const target = record(fake.subscribe());
    fake.failNext(429, { 'retry-after': new Date(Date.now() + 120_000).toUTCString() });
    const throttled = await provider.send(target, message);
    expect(throttled.outcome === 'retry' && throttled.retryAfterMs).toBeGreaterThan(115_000);
    expect(throttled.outcome === 'retry' && throttled.retryAfterMs).toBeLessThanOrEqual(120_000);
    fake.failNext(503);
    expect(await provider.send(target, message)).toEqual({ outcome: 'retry', reason: '503' });
  });

  it('400, 401, 403 and 413 are rejected', async () => {
    const target = record(fake.subscribe());
    for (const status of [400, 401, 403, 413]) {
      fake.failNext(status);
      expect(await provider.send(target, message)).toEqual({ outcome: 'rejected', reason: String(status) });
    }
    expect(fake.received).toEqual([]);
  });

  it('a clear goes out with normal urgency and the same Topic as the conversation alerts', async () => {
    const target = record(fake.subscribe());
    await provider.send(target, message);
    await provider.send(target, { payload: { type: 'clear', conversationId, badge: 0 }, ttlSeconds: 60, urgency: 'normal' });
    const got = await fake.waitFor(2);
    expect(got.map((r) => [r.headers.topic, r.headers.urgency, r.headers.ttl])).toEqual([
      [conversationId, 'high', '300'],
      [conversationId, 'normal', '60'],
    ]);
  });

  it('subscription keys that are not a P-256 key make the target gone, without a request', async () => {
    const sub = fake.subscribe();
    const broken = record({ endpoint: sub.endpoint, keys: { p256dh: 'AAAA', auth: sub.keys.auth } });
    expect(await provider.send(broken, message)).toMatchObject({ outcome: 'gone', reason: expect.stringContaining('unusable subscription') });
    expect(fake.received).toEqual([]);
  });

  it('a service that does not answer within timeoutMs: retry', async () => {
    const silent = createServer(() => {}); // never answers
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const sub = fake.subscribe();
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/push/x`;
    try {
      expect(await provider.send(record({ ...sub, endpoint }), message)).toEqual({ outcome: 'retry', reason: 'network: timed out' });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('an answer whose body never ends is not read whole: the reason holds its first 200 characters', async () => {
    const endless = createServer((_req, res) => {
      res.writeHead(400);
      const more = () => {
        while (res.write('x'.repeat(64 * 1024)));
      };
      res.on('drain', more);
      more();
    });
    endless.listen(0, '127.0.0.1');
    await once(endless, 'listening');
    const sub = fake.subscribe();
    const endpoint = `http://127.0.0.1:${(endless.address() as AddressInfo).port}/push/x`;
    try {
      expect(await provider.send(record({ ...sub, endpoint }), message)).toEqual({ outcome: 'rejected', reason: `400: ${'x'.repeat(200)}` });
    } finally {
      endless.closeAllConnections();
      endless.close();
    }
  });

  it('a malformed VAPID configuration fails at creation, not at the first push', () => {
    expect(() => createWebPushProvider({ vapid: { ...vapid, subject: 'ops@ottr.example' } })).toThrow(/subject/);
    expect(() => createWebPushProvider({ vapid: { ...vapid, privateKey: 'short' } })).toThrow(/private key/);
  });
});

describe('webPushTopic', () => {
  it('is the conversation id when it fits, else 32 stable base64url characters', () => {
    expect(webPushTopic(conversationId)).toBe(conversationId);
    const long = `cnv_${'x'.repeat(40)}`;
    expect(webPushTopic(long)).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(webPushTopic(long)).toBe(webPushTopic(long));
    expect(webPushTopic(`${long}y`)).not.toBe(webPushTopic(long));
    expect(webPushTopic('cnv.with.dots')).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});


/** The fake must refuse what a real push service refuses, or the conformance suite proves nothing. */
describe('fake Web Push service', () => {
  let fake: FakeWebPushService;
  beforeEach(async () => {
    fake = await startFakeWebPushService();
  });
  afterEach(async () => {
    await fake.close();
  });

  /** A correct request from web-push, then `tamper` applied to its headers. */
  async function post(tamper: (headers: Record<string, string>) => void): Promise<number> {
    const sub = fake.subscribe();
    const details = webpush.generateRequestDetails(sub, '{"type":"clear"}', { vapidDetails: vapid, TTL: 60, contentEncoding: 'aes128gcm' });
    const headers = Object.fromEntries(Object.entries(details.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    tamper(headers);
    const res = await fetch(details.endpoint, { method: 'POST', headers, body: details.body });
    return res.status;
  }

  /** A VAPID JWT signed with the configured key but with these claims. */
  function jwtWith(claims: Record<string, unknown>): string {
    const pub = Buffer.from(vapid.publicKey, 'base64url');
    const key = createPrivateKey({
      key: { kty: 'EC', crv: 'P-256', x: pub.subarray(1, 33).toString('base64url'), y: pub.subarray(33).toString('base64url'), d: vapid.privateKey },
      format: 'jwk',
    });
    const input = `${Buffer.from('{"typ":"JWT","alg":"ES256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  }

  it('accepts an untouched request', async () => {
    expect(await post(() => {})).toBe(201);
    expect(fake.received.map((r) => r.payload)).toEqual([{ type: 'clear' }]);
  });

  it('refuses a signature by another key than k, a missing TTL, another encoding, a long Topic, a far exp, a bad sub, a wrong aud', async () => {
    const other = generateVapidKeys();
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const cases: [string, (h: Record<string, string>) => void, number][] = [
      ['k', (h) => (h.authorization = h.authorization!.replace(/k=.*/, `k=${other.publicKey}`)), 403],
      ['ttl', (h) => delete h.ttl, 400],
      ['encoding', (h) => (h['content-encoding'] = 'aesgcm'), 400],
      ['topic', (h) => (h.topic = 'x'.repeat(33)), 400],
      ['exp', (h) => (h.authorization = `vapid t=${jwtWith({ aud: fake.origin, exp: exp + 24 * 3600, sub: vapid.subject })}, k=${vapid.publicKey}`), 403],
      ['sub', (h) => (h.authorization = `vapid t=${jwtWith({ aud: fake.origin, exp, sub: 'ops@ottr.example' })}, k=${vapid.publicKey}`), 403],
      ['aud', (h) => (h.authorization = `vapid t=${jwtWith({ aud: 'https://push.example', exp, sub: vapid.subject })}, k=${vapid.publicKey}`), 403],
    ];
    for (const [name, tamper, status] of cases) expect([name, await post(tamper)]).toEqual([name, status]);
    expect(fake.errors).toHaveLength(cases.length);
    expect(fake.received).toEqual([]);
  });

  it('refuses a body it cannot decrypt with the subscription keys', async () => {
    const sub = fake.subscribe();
    const stranger = fake.subscribe(); // encrypted for another subscription
    const details = webpush.generateRequestDetails(stranger, '{}', { vapidDetails: vapid, TTL: 60, contentEncoding: 'aes128gcm' });
    const headers = Object.fromEntries(Object.entries(details.headers).map(([k, v]) => [k, String(v)]));
    const res = await fetch(sub.endpoint, { method: 'POST', headers, body: details.body });
    expect(res.status).toBe(400);
    expect(fake.errors[0]?.reason).toMatch(/cannot decrypt/);
  });

  it('waitFor rejects when the pushes do not come', async () => {
    await expect(fake.waitFor(1, 50)).rejects.toThrow(/0 of 1 pushes/);
  });
});

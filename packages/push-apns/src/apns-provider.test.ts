import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { connect, createServer, type Http2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PushMessage } from '@ottr/server';
import { pushTarget, startFakeApns, type FakeApns } from '@ottr/server/testing';
import { createApnsProvider, type ApnsProviderOptions } from './index.js';

const target = (token: string, params: Record<string, string> = {}) => pushTarget('apns', token, params);
const conversationId = 'cnv_01JD6K7ZQ000000000000APNS1' as PushMessage['payload']['conversationId'];
const alert: PushMessage = {
  payload: { type: 'message', conversationId, seq: 12, title: 'Grace', body: 'Ship it', count: 2, badge: 5, senderId: 'acc_01JD6K7ZQ000000000000GRACE' as never },
  ttlSeconds: 86_400,
  urgency: 'high',
};
const clear: PushMessage = { payload: { type: 'clear', conversationId, badge: 0 }, ttlSeconds: 600, urgency: 'normal' };

describe('APNs provider', () => {
  let fake: FakeApns;
  const options = (f: FakeApns = fake): ApnsProviderOptions => ({
    key: f.key,
    keyId: f.keyId,
    teamId: f.teamId,
    topic: f.topic,
    endpoints: { production: f.endpoint, sandbox: f.endpoint },
    timeoutMs: 5000,
  });
  const opened: { close(): Promise<void> }[] = [];
  const provider = (o: ApnsProviderOptions = options()) => {
    const p = createApnsProvider(o);
    opened.push(p);
    return p;
  };

  beforeEach(async () => {
    fake = await startFakeApns();
  });
  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(opened.splice(0).map((p) => p.close()));
    await fake.close();
  });

  it('sends an alert: push type alert, priority 10, collapsed and threaded by conversation, the rest of the payload beside aps', async () => {
    const token = fake.registerToken();
    const before = Math.floor(Date.now() / 1000);
    expect(await provider().send(target(token), alert)).toMatchObject({ outcome: 'sent' });
    expect(fake.errors).toEqual([]);
    const [got] = fake.received;
    expect(got!.token).toBe(token);
    expect(got!.headers).toMatchObject({ 'apns-push-type': 'alert', 'apns-priority': '10', 'apns-topic': fake.topic, 'apns-collapse-id': conversationId });
    expect(Number(got!.headers['apns-expiration']) - before - 86_400).toBeGreaterThanOrEqual(0);
    expect(Number(got!.headers['apns-expiration']) - before - 86_400).toBeLessThanOrEqual(5);
    expect(got!.body).toEqual({
      aps: { alert: { title: 'Grace', body: 'Ship it' }, badge: 5, sound: 'default', 'thread-id': conversationId, 'mutable-content': 1 },
      type: 'message',
      conversationId,
      seq: 12,
      count: 2,
      senderId: 'acc_01JD6K7ZQ000000000000GRACE',
    });
  });

  it('sends a quiet alert (do-not-disturb hours) without sound, passive, at priority 5', async () => {
    const token = fake.registerToken();
    const quiet: PushMessage = { ...alert, payload: { ...alert.payload, quiet: true } as PushMessage['payload'], urgency: 'normal' };
    expect(await provider().send(target(token), quiet)).toMatchObject({ outcome: 'sent' });
    expect(fake.errors).toEqual([]);
    const [got] = fake.received;
    expect(got!.headers).toMatchObject({ 'apns-push-type': 'alert', 'apns-priority': '5' });
    expect(got!.body).toMatchObject({ aps: { alert: { title: 'Grace', body: 'Ship it' }, 'interruption-level': 'passive' }, quiet: true });
    expect(got!.body.aps).not.toHaveProperty('sound');
  });

  it('sends a clear as a background push, priority 5, with the badge and no collapse id', async () => {
    const token = fake.registerToken();
    expect(await provider().send(target(token), clear)).toMatchObject({ outcome: 'sent' });
    const [got] = fake.received;
    expect(got!.headers).toMatchObject({ 'apns-push-type': 'background', 'apns-priority': '5' });
    expect(got!.headers['apns-collapse-id']).toBeUndefined();
    expect(got!.body).toEqual({ aps: { 'content-available': 1, badge: 0 }, type: 'clear', conversationId });
  });

  it('fits the body in 4096 bytes', async () => {
    const long = { ...alert, payload: { ...alert.payload, body: '"引号"\\😀'.repeat(1000) } } as PushMessage;
    expect(await provider().send(target(fake.registerToken()), long)).toMatchObject({ outcome: 'sent' });
    const body = JSON.stringify(fake.received[0]!.body);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(body)).toBeGreaterThan(4000);
  });

  it('signs one provider token for all sends, concurrent ones too, and a new one after 30 minutes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const p = provider();
    const token = fake.registerToken();
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => p.send(target(token), alert)));
    expect(outcomes.map((o) => o.outcome)).toEqual(Array(10).fill('sent'));
    vi.setSystemTime(Date.now() + 29 * 60_000);
    expect(await p.send(target(token), clear)).toMatchObject({ outcome: 'sent' });
    expect(fake.providerTokens).toBe(1);
    vi.setSystemTime(Date.now() + 2 * 60_000);
    expect(await p.send(target(token), clear)).toMatchObject({ outcome: 'sent' });
    expect(fake.providerTokens).toBe(2);
    expect(fake.errors).toEqual([]);
  });

  it('signs a new provider token on ExpiredProviderToken and sends again, once', async () => {
    const p = provider();
    const token = fake.registerToken();
    expect(await p.send(target(token), alert)).toMatchObject({ outcome: 'sent' });
    fake.expireProviderTokens();
    expect(await p.send(target(token), alert)).toMatchObject({ outcome: 'sent' });
    expect(fake.providerTokens).toBe(2);
    expect(fake.received).toHaveLength(2);
    fake.failNext(403, 'ExpiredProviderToken');
    fake.failNext(403, 'ExpiredProviderToken');
    expect(await p.send(target(token), alert)).toMatchObject({ outcome: 'rejected', reason: '403 ExpiredProviderToken' });
    expect(fake.providerTokens).toBe(3);
    expect(fake.received).toHaveLength(2);
  });

  it("uses the target's topic, and the sandbox endpoint for sandbox targets", async () => {
    const sandbox = await startFakeApns({ credentials: { key: fake.key, keyId: fake.keyId, teamId: fake.teamId } });
    try {
      const p = provider({ ...options(), endpoints: { production: fake.endpoint, sandbox: sandbox.endpoint } });
      const development = sandbox.registerToken();
      const other = fake.registerToken('com.example.ottr.beta');
      expect(await p.send(target(development, { environment: 'sandbox' }), alert)).toMatchObject({ outcome: 'sent' });
      expect(await p.send(target(other, { topic: 'com.example.ottr.beta', environment: 'production' }), alert)).toMatchObject({ outcome: 'sent' });
      expect(sandbox.received.map((r) => r.token)).toEqual([development]);
      expect(fake.received.map((r) => [r.token, r.headers['apns-topic']])).toEqual([[other, 'com.example.ottr.beta']]);
      // A production token sent to the sandbox (or the wrong topic) is a dead target for this server.
      expect(await p.send(target(development), alert)).toMatchObject({ outcome: 'gone', reason: expect.stringContaining('410') });
      expect(await p.send(target(other), alert)).toMatchObject({ outcome: 'gone', reason: '400 DeviceTokenNotForTopic' });
    } finally {
      await sandbox.close();
    }
  });

  it('maps what APNs answers to outcomes', async () => {
    const p = provider();
    const token = fake.registerToken();
    const send = (t = token) => p.send(target(t), alert);
    expect(await send('00ff')).toMatchObject({ outcome: 'gone', reason: '400 BadDeviceToken' });
    const uninstalled = fake.registerToken();
    fake.unregisterToken(uninstalled);
    expect(await send(uninstalled)).toMatchObject({ outcome: 'gone', reason: '410 Unregistered' });
    fake.failNext(413);
    expect(await send()).toMatchObject({ outcome: 'rejected', reason: '413 PayloadTooLarge' });
    fake.failNext(429);
    expect(await send()).toMatchObject({ outcome: 'retry', reason: '429 TooManyRequests' });
    fake.failNext(503);
    expect(await send()).toMatchObject({ outcome: 'retry', reason: '503 ServiceUnavailable' });
    expect(fake.received).toEqual([]);
    expect(fake.errors).toEqual(['BadDeviceToken: 00ff is not a device token']);
    const wrongKey = provider({ ...options(), keyId: 'WRONGKEYID' });
    expect(await wrongKey.send(target(token), alert)).toMatchObject({ outcome: 'rejected', reason: '403 InvalidProviderToken' });
    expect(await send()).toMatchObject({ outcome: 'sent' });
  });

  it('keeps one HTTP/2 connection, and opens a new one after APNs closes it', async () => {
    const p = provider();
    const token = fake.registerToken();
    for (let i = 0; i < 3; i++) expect(await p.send(target(token), clear)).toMatchObject({ outcome: 'sent' });
    expect(fake.connections).toBe(1);
    await fake.dropConnections();
    // A send racing the GOAWAY may fail (retry); the one after it goes out on a new connection.
    const first = await p.send(target(token), clear);
    expect(['sent', 'retry']).toContain(first.outcome);
    if (first.outcome === 'retry') expect(await p.send(target(token), clear)).toMatchObject({ outcome: 'sent' });
    expect(fake.connections).toBe(2);
    expect(fake.received).toHaveLength(4);
  });

  it('sends again at once on a new connection when APNs refused the request unprocessed (going away), once', async () => {
    const p = provider();
    const token = fake.registerToken();
    expect(await p.send(target(token), clear)).toMatchObject({ outcome: 'sent' });
    fake.refuseNextStream();
    expect(await p.send(target(token), clear)).toMatchObject({ outcome: 'sent' });
    expect(fake.connections).toBe(2);
    expect(fake.received).toHaveLength(2);
    fake.refuseNextStream();
    expect(await p.send(target(token), clear)).toMatchObject({ outcome: 'sent' });
    expect(fake.connections).toBe(3);
    // Refused on the new connection too: a later try (by the job), not a loop.
    fake.refuseNextStream(2);
    expect(await p.send(target(token), clear)).toMatchObject({ outcome: 'retry', reason: expect.stringContaining('REFUSED_STREAM') });
    expect(fake.connections).toBe(4);
    expect(fake.received).toHaveLength(3);
  });

  it('reports a service that does not answer in time as retry', async () => {
    const sessions = new Set<Http2Session>();
    const silent = createServer(() => {}); // takes the request, never answers
    silent.on('session', (s) => sessions.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const p = provider({ ...options(), endpoints: { production: url }, timeoutMs: 200 });
      expect(await p.send(target(fake.registerToken()), alert)).toMatchObject({ outcome: 'retry', reason: 'network: timed out' });
    } finally {
      for (const s of sessions) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('refuses a key that is not an EC private key, or an endpoint that is not a URL, at creation', () => {
    expect(() => createApnsProvider({ ...options(), endpoints: { sandbox: 'api.sandbox.push.apple.com' } })).toThrow(/Invalid URL/);
    expect(() => createApnsProvider({ ...options(), key: 'not a key' })).toThrow();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => createApnsProvider({ ...options(), key: rsa })).toThrow(/EC P-256/);
  });
});

/** The fake must refuse what APNs refuses, or the conformance suite proves nothing. */
describe('fake APNs', () => {
  let fake: FakeApns;
  beforeEach(async () => {
    fake = await startFakeApns();
  });
  afterEach(async () => {
    await fake.close();
  });

  /** A provider token as Apple wants it, with header, claims or key changed. */
  function jwt(o: { header?: Record<string, unknown>; claims?: Record<string, unknown>; key?: string } = {}): Promise<string> {
    return new SignJWT({ iss: fake.teamId, iat: Math.floor(Date.now() / 1000), ...o.claims })
      .setProtectedHeader({ alg: 'ES256', kid: fake.keyId, ...o.header })
      .sign(createPrivateKey(o.key ?? fake.key));
  }

  /** One request over h2c; `headers` replace (undefined: remove) those of a correct alert. */
  async function push(o: { headers?: Record<string, string | undefined>; body?: unknown; path?: string; jwt?: string } = {}): Promise<[number, string]> {
    const token = fake.registerToken();
    const headers: Record<string, string | undefined> = {
      ':method': 'POST',
      ':path': o.path ?? `/3/device/${token}`,
      authorization: `bearer ${o.jwt ?? (await jwt())}`,
      'apns-topic': fake.topic,
      'apns-push-type': 'alert',
      'apns-priority': '10',
      'apns-expiration': '0',
      ...o.headers,
    };
    for (const k of Object.keys(headers)) if (headers[k] === undefined) delete headers[k];
    const session = connect(fake.endpoint);
    try {
      return await new Promise((resolve, reject) => {
        const stream = session.request(headers);
        let status = 0;
        let text = '';
        stream.on('response', (h) => (status = Number(h[':status'])));
        stream.on('data', (c: Buffer) => (text += c.toString()));
        stream.on('end', () => resolve([status, text === '' ? '' : String((JSON.parse(text) as { reason: string }).reason)]));
        stream.on('error', reject);
        stream.end(JSON.stringify(o.body ?? { aps: { alert: { title: 't', body: 'b' } } }));
      });
    } finally {
      session.close();
    }
  }

  it('accepts a correct alert and background push', async () => {
    expect(await push()).toEqual([200, '']);
    expect(await push({ headers: { 'apns-push-type': 'background', 'apns-priority': '5' }, body: { aps: { 'content-available': 1, badge: 3 } } })).toEqual([200, '']);
    expect(fake.received).toHaveLength(2);
    expect(fake.errors).toEqual([]);
  });

  it('refuses provider tokens Apple refuses', async () => {
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const hourAgo = Math.floor(Date.now() / 1000) - 3700;
    expect(await push({ headers: { authorization: undefined } })).toEqual([403, 'MissingProviderToken']);
    expect(await push({ jwt: await jwt({ key: otherKey }) })).toEqual([403, 'InvalidProviderToken']);
    expect(await push({ jwt: await jwt({ header: { kid: 'ABCDEFGHIJ' } }) })).toEqual([403, 'InvalidProviderToken']);
    expect(await push({ jwt: await jwt({ claims: { iss: 'ABCDEFGHIJ' } }) })).toEqual([403, 'InvalidProviderToken']);
    expect(await push({ jwt: await jwt({ claims: { iat: undefined } }) })).toEqual([403, 'InvalidProviderToken']);
    expect(await push({ jwt: await jwt({ claims: { iat: hourAgo } }) })).toEqual([403, 'ExpiredProviderToken']);
    expect(fake.errors).toHaveLength(6);
    expect(fake.received).toEqual([]);
  });

  it('refuses headers and bodies Apple refuses', async () => {
    const background = { 'apns-push-type': 'background', 'apns-priority': '5' };
    const cases: [Parameters<typeof push>[0], [number, string]][] = [
      [{ headers: { 'apns-topic': undefined } }, [400, 'MissingTopic']],
      [{ headers: { 'apns-push-type': 'voip' } }, [400, 'InvalidPushType']],
      [{ headers: { 'apns-priority': '7' } }, [400, 'BadPriority']],
      [{ headers: background, body: { aps: { 'content-available': 1 } } }, [200, '']],
      [{ headers: { ...background, 'apns-priority': '10' }, body: { aps: { 'content-available': 1 } } }, [400, 'BadPriority']],
      [{ headers: { 'apns-collapse-id': 'x'.repeat(65) } }, [400, 'BadCollapseId']],
      [{ headers: { 'apns-expiration': undefined } }, [400, 'BadExpirationDate']],
      [{ headers: { 'apns-id': 'not-a-uuid' } }, [400, 'BadMessageId']],
      [{ body: { aps: { alert: { title: 't', body: 'x'.repeat(4100) } } } }, [413, 'PayloadTooLarge']],
      [{ body: { aps: { alert: 'text only' } } }, [400, 'BadPayload']],
      [{ body: { aps: { alert: { title: 't', body: 'b' }, badge: -1 } } }, [400, 'BadPayload']],
      [{ body: { type: 'message' } }, [400, 'BadPayload']],
      [{ headers: background, body: { aps: { badge: 1 } } }, [400, 'BadPayload']],
      [{ headers: background, body: { aps: { 'content-available': 1, alert: { title: 't', body: 'b' } } } }, [400, 'BadPayload']],
      [{ path: '/3/device/not-hex' }, [400, 'BadDeviceToken']],
      [{ path: '/2/device/00' }, [404, 'BadPath']],
      [{ headers: { ':method': 'PUT' } }, [405, 'MethodNotAllowed']],
    ];
    for (const [request, answer] of cases) expect([request, await push(request)]).toEqual([request, answer]);
    expect(fake.errors).toHaveLength(cases.length - 1);
    expect(fake.received).toHaveLength(1);
  });

  it('answers 410 Unregistered for unknown tokens and DeviceTokenNotForTopic for another app', async () => {
    expect(await push({ path: `/3/device/${'ab'.repeat(32)}` })).toEqual([410, 'Unregistered']);
    const beta = fake.registerToken('com.example.ottr.beta');
    expect(await push({ path: `/3/device/${beta}` })).toEqual([400, 'DeviceTokenNotForTopic']);
    expect(await push({ path: `/3/device/${beta}`, headers: { 'apns-topic': 'com.example.ottr.beta' } })).toEqual([200, '']);
  });
});

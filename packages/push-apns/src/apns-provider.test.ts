import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Http2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PushMessage, PushTargetRecord } from '@ottr/server';
import { startFakeApns, type FakeApns } from '@ottr/server/testing';
import { createApnsProvider, type ApnsProviderOptions } from './index.js';

const target = (token: string, params: Record<string, string> = {}): PushTargetRecord => ({
  accountId: 'acc_apns' as PushTargetRecord['accountId'],
  deviceId: 'dev_apns' as PushTargetRecord['deviceId'],
  kind: 'apns',
  address: token,
  params,
  createdAt: 0,
  updatedAt: 0,
});
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

  it('refuses a key that is not an EC private key at creation', () => {
    expect(() => createApnsProvider({ ...options(), key: 'not a key' })).toThrow();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => createApnsProvider({ ...options(), key: rsa })).toThrow(/EC P-256/);
  });
});

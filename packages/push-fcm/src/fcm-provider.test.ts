import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PushMessage } from '@ottr/server';
import { pushTarget, startFakeFcm, type FakeFcm } from '@ottr/server/testing';
import { FCM_SCOPE } from './fcm-auth.js';
import { createFcmProvider } from './index.js';

const target = (token: string) => pushTarget('fcm', token);
const conversationId = 'cnv_01JD6K7ZQ0000000000000FCM1' as PushMessage['payload']['conversationId'];
const alert: PushMessage = {
  payload: { type: 'message', conversationId, seq: 12, title: 'Grace', body: 'Ship it', count: 2, badge: 5, mention: false },
  ttlSeconds: 86_400,
  urgency: 'high',
};
const clear: PushMessage = { payload: { type: 'clear', conversationId, badge: 0 }, ttlSeconds: 600, urgency: 'normal' };

describe('FCM provider', () => {
  let fake: FakeFcm;
  const provider = (f: FakeFcm = fake) => createFcmProvider({ serviceAccount: f.serviceAccount, endpoint: f.endpoint, timeoutMs: 5000 });

  beforeEach(async () => {
    fake = await startFakeFcm();
  });
  afterEach(async () => {
    vi.useRealTimers();
    await fake.close();
  });

  it('sends an alert as data strings, a notification tagged by conversation with the badge, high priority and ttl', async () => {
    const token = fake.registerToken();
    expect(await provider().send(target(token), alert)).toMatchObject({ outcome: 'sent' });
    expect(fake.errors).toEqual([]);
    expect(fake.received.map((m) => m.message)).toEqual([
      {
        token,
        data: { type: 'message', conversationId, seq: '12', title: 'Grace', body: 'Ship it', count: '2', badge: '5', mention: 'false' },
        notification: { title: 'Grace', body: 'Ship it' },
        android: { collapse_key: conversationId, priority: 'HIGH', ttl: '86400s', notification: { tag: conversationId, notification_count: 5 } },
      },
    ]);
  });

  it('sends a quiet alert (do-not-disturb hours) at normal priority, low in the shade, without default sound or vibration', async () => {
    const token = fake.registerToken();
    const quiet: PushMessage = { ...alert, payload: { ...alert.payload, quiet: true } as PushMessage['payload'], urgency: 'normal' };
    expect(await provider().send(target(token), quiet)).toMatchObject({ outcome: 'sent' });
    expect(fake.errors).toEqual([]);
    expect(fake.received[0]!.message).toMatchObject({
      data: { quiet: 'true' },
      android: {
        priority: 'NORMAL',
        notification: { tag: conversationId, notification_priority: 'PRIORITY_LOW', default_sound: false, default_vibrate_timings: false },
      },
    });
  });

  it('sends a clear as data only, normal priority', async () => {
    const token = fake.registerToken();
    expect(await provider().send(target(token), clear)).toMatchObject({ outcome: 'sent' });
    expect(fake.received.map((m) => m.message)).toEqual([
      { token, data: { type: 'clear', conversationId, badge: '0' }, android: { collapse_key: conversationId, priority: 'NORMAL', ttl: '600s' } },
    ]);
  });

  it('fits the whole message, text twice (data and notification), in 4000 bytes', async () => {
    const token = fake.registerToken();
    const long = { ...alert, payload: { ...alert.payload, body: '"引号"\n😀'.repeat(1000) } } as PushMessage;
    expect(await provider().send(target(token), long)).toMatchObject({ outcome: 'sent' });
    const [got] = fake.received;
    expect(Buffer.byteLength(JSON.stringify(got!.message))).toBeLessThanOrEqual(4000);
    expect(Buffer.byteLength(JSON.stringify(got!.message))).toBeGreaterThan(3900);
    const data = got!.message.data as Record<string, string>;
    expect(data.body!.endsWith('…')).toBe(true);
    expect(got!.message.notification).toEqual({ title: 'Grace', body: data.body });
  });

  it('gets one access token for many sends, even concurrent ones', async () => {
    const p = provider();
    const token = fake.registerToken();
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => p.send(target(token), alert)));
    expect(outcomes.map((o) => o.outcome)).toEqual(Array(5).fill('sent'));
    expect(await p.send(target(token), clear)).toMatchObject({ outcome: 'sent' });
    expect(fake.tokenRequests).toBe(1);
  });

  it('gets a new access token a minute before the old one expires, not after FCM refuses it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const p = provider();
    const token = fake.registerToken();
    expect(await p.send(target(token), alert)).toMatchObject({ outcome: 'sent' });
    vi.setSystemTime(Date.now() + 3_539_000); // 61 s left of 3600
    expect(await p.send(target(token), alert)).toMatchObject({ outcome: 'sent' });
    expect(fake.tokenRequests).toBe(1);
    vi.setSystemTime(Date.now() + 2_000); // 59 s left
    expect(await p.send(target(token), alert)).toMatchObject({ outcome: 'sent' });
    expect(fake.tokenRequests).toBe(2);
    expect(fake.errors).toEqual([]); // no send with a stale token
  });

  it('after a 401 gets a new access token and sends again, once', async () => {
    const p = provider();
    const token = fake.registerToken();
    expect(await p.send(target(token), alert)).toMatchObject({ outcome: 'sent' });
    fake.revokeAccessTokens();
    expect(await p.send(target(token), alert)).toMatchObject({ outcome: 'sent' });
    expect(fake.tokenRequests).toBe(2);
    expect(fake.received).toHaveLength(2);
    fake.failNext(401);
    fake.failNext(401);
    expect(await p.send(target(token), alert)).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('401') });
    expect(fake.tokenRequests).toBe(3);
    expect(fake.received).toHaveLength(2);
  });

  it('reports the token endpoint refusing as rejected, failing as retry, and recovers', async () => {
    const p = provider();
    const token = fake.registerToken();
    fake.failNextToken(400);
    expect(await p.send(target(token), alert)).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('invalid_grant') });
    fake.failNextToken(503);
    expect(await p.send(target(token), alert)).toMatchObject({ outcome: 'retry' });
    expect(await p.send(target(token), alert)).toMatchObject({ outcome: 'sent' });
    expect(fake.received).toHaveLength(1);
  });

  it('maps what FCM answers to outcomes', async () => {
    const p = provider();
    const token = fake.registerToken();
    const send = (t = token) => p.send(target(t), alert);
    expect(await send(fake.registerToken().slice(0, 20) + 'x')).toMatchObject({ outcome: 'gone', reason: expect.stringContaining('UNREGISTERED') });
    const uninstalled = fake.registerToken();
    fake.unregisterToken(uninstalled);
    expect(await send(uninstalled)).toMatchObject({ outcome: 'gone' });
    expect(await send('not a token!')).toMatchObject({ outcome: 'gone', reason: expect.stringContaining('registration token') });
    fake.failNext(403);
    expect(await send()).toMatchObject({ outcome: 'gone', reason: expect.stringContaining('SENDER_ID_MISMATCH') });
    fake.failNext(403, { body: { error: { code: 403, status: 'PERMISSION_DENIED', message: 'Permission denied on resource project' } } });
    expect(await send()).toMatchObject({ outcome: 'rejected' });
    fake.failNext(400);
    expect(await send()).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('INVALID_ARGUMENT') });
    const at = new Date(Date.now() + 30_000).toUTCString();
    fake.failNext(429, { headers: { 'retry-after': at } });
    const throttled = await send();
    expect(throttled).toMatchObject({ outcome: 'retry' });
    expect(throttled.outcome === 'retry' && throttled.retryAfterMs).toBeGreaterThan(28_000);
    fake.failNext(503);
    expect(await send()).toMatchObject({ outcome: 'retry', reason: expect.stringContaining('UNAVAILABLE') });
    fake.failNext(502, { body: '<html>Bad Gateway</html>' });
    expect(await send()).toMatchObject({ outcome: 'retry' });
    expect(fake.received).toEqual([]);
    expect(await send()).toMatchObject({ outcome: 'sent' });
  });

  it('reports a service that does not answer in time as retry', async () => {
    const silent = createServer(() => {}); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const p = createFcmProvider({ serviceAccount: { ...fake.serviceAccount, token_uri: `${url}/token` }, endpoint: url, timeoutMs: 200 });
      expect(await p.send(target(fake.registerToken()), alert)).toMatchObject({ outcome: 'retry', reason: expect.stringContaining('timed out') });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('refuses a service account without a usable key, or an endpoint that is not a URL, at creation', () => {
    expect(() => createFcmProvider({ serviceAccount: fake.serviceAccount, endpoint: 'fcm.googleapis.com' })).toThrow(/Invalid URL/);
    expect(() => createFcmProvider({ serviceAccount: { ...fake.serviceAccount, token_uri: 'oauth2.googleapis.com/token' } })).toThrow(/Invalid URL/);
    expect(() => createFcmProvider({ serviceAccount: { ...fake.serviceAccount, private_key: 'not a key' } })).toThrow();
  });
});

/** The fake must refuse what FCM refuses, or the conformance suite proves nothing. */
describe('fake FCM', () => {
  let fake: FakeFcm;
  beforeEach(async () => {
    fake = await startFakeFcm();
  });
  afterEach(async () => {
    await fake.close();
  });

  /** A JWT-bearer assertion as Google wants it, with `claims` and `key` changed. */
  async function assertion(claims: Record<string, unknown> = {}, key = fake.serviceAccount.private_key, alg = 'RS256'): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: fake.serviceAccount.client_email, aud: fake.serviceAccount.token_uri, scope: FCM_SCOPE, iat: now, exp: now + 3600, ...claims })
      .setProtectedHeader({ alg, typ: 'JWT' })
      .sign(createPrivateKey(key));
  }
  async function tokenStatus(form: Record<string, string>): Promise<number> {
    const res = await fetch(fake.serviceAccount.token_uri, { method: 'POST', body: new URLSearchParams(form) });
    return res.status;
  }
  const grant = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

  it('issues an access token for a correct assertion only', async () => {
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const now = Math.floor(Date.now() / 1000);
    expect(await tokenStatus({ grant_type: grant, assertion: await assertion({}, otherKey) })).toBe(400);
    expect(await tokenStatus({ grant_type: grant, assertion: await assertion({ aud: 'https://oauth2.googleapis.com/token' }) })).toBe(400);
    expect(await tokenStatus({ grant_type: grant, assertion: await assertion({ iss: 'someone@else.iam.gserviceaccount.com' }) })).toBe(400);
    expect(await tokenStatus({ grant_type: grant, assertion: await assertion({ scope: 'https://www.googleapis.com/auth/cloud-platform' }) })).toBe(400);
    expect(await tokenStatus({ grant_type: grant, assertion: await assertion({ exp: now + 7200 }) })).toBe(400);
    expect(await tokenStatus({ grant_type: grant, assertion: await assertion({ iat: now - 4000, exp: now - 400 }) })).toBe(400);
    expect(await tokenStatus({ grant_type: grant, assertion: await assertion({}, fake.serviceAccount.private_key, 'PS256') })).toBe(400);
    expect(await tokenStatus({ grant_type: 'client_credentials', assertion: await assertion() })).toBe(400);
    expect(fake.errors).toEqual(
      ['bad signature', 'aud', 'iss', 'scope lacks', 'exp - iat', 'expired', 'alg PS256', 'grant_type'].map((why): unknown => expect.stringContaining(why)),
    );
    expect(fake.tokenRequests).toBe(0);
    const res = await fetch(fake.serviceAccount.token_uri, { method: 'POST', body: new URLSearchParams({ grant_type: grant, assertion: await assertion() }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ access_token: expect.any(String), expires_in: 3600, token_type: 'Bearer' });
    expect(fake.tokenRequests).toBe(1);
  });

  it('refuses sends without an issued token, to another project, or of a shape FCM refuses', async () => {
    const res = await fetch(fake.serviceAccount.token_uri, { method: 'POST', body: new URLSearchParams({ grant_type: grant, assertion: await assertion() }) });
    const { access_token: accessToken } = (await res.json()) as { access_token: string };
    const token = fake.registerToken();
    const good = { token, data: { type: 'clear', badge: '0' }, android: { priority: 'NORMAL', ttl: '60s' } };
    const send = async (message: unknown, bearer = accessToken, project = fake.serviceAccount.project_id) =>
      (
        await fetch(`${fake.endpoint}/v1/projects/${project}/messages:send`, {
          method: 'POST',
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
          body: JSON.stringify({ message }),
        })
      ).status;
    expect(await send(good, 'ya29.not-issued')).toBe(401);
    expect(await send(good, accessToken, 'another-project')).toBe(404);
    const refused: [unknown, string][] = [
      [{ ...good, data: { badge: 0 } }, 'message.data.badge: value is not a string'],
      [{ ...good, data: { from: 'x' } }, 'message.data.from: reserved key'],
      [{ ...good, priority: 'high' }, 'message.priority: unknown field'],
      [{ ...good, token: undefined, topic: 'news' }, 'message.token: a string is required'],
      [{ ...good, notification: { title: 'x', sound: 'default' } }, 'message.notification.sound: unknown field'],
      [{ ...good, android: { priority: 'URGENT' } }, 'message.android.priority'],
      [{ ...good, android: { ttl: '60' } }, 'message.android.ttl'],
      [{ ...good, android: { notification: { notification_count: -1 } } }, 'notification_count: not a count'],
      [{ ...good, android: { notification: { badge: 1 } } }, 'message.android.notification.badge: unknown field'],
      [{ ...good, data: { body: 'x'.repeat(4096) } }, 'larger than 4096 bytes'],
    ];
    for (const [message] of refused) expect(await send(message)).toBe(400);
    expect(fake.errors.slice(2)).toEqual(refused.map(([, why]): unknown => expect.stringContaining(why)));
    expect(fake.received).toEqual([]);
    expect(await send(good)).toBe(200);
    expect(fake.received).toHaveLength(1);
  });
});

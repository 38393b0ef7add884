import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE, type AdminAccount, type Session } from '@ottr/protocol';
import { startTestNode, type TestNode } from '../test-support/harness.js';
import { rest } from '../test-support/rest.js';
import { FrameError, TestClient } from '../test-support/ws-client.js';

const ADMIN_TOKEN = 'test-admin-token-0123456789-abcdefghijklmnop';
type Page = { items: AdminAccount[]; next: string | null };

let t: TestNode;
let admin: ReturnType<typeof rest>;
beforeAll(async () => {
  t = await startTestNode({ admin: { token: ADMIN_TOKEN } });
  admin = rest(t.url, ADMIN_TOKEN);
});
afterAll(() => t.close());

describe('admin API: credentials', () => {
  it('is off without a token: every admin route answers 403 forbidden "admin API disabled"', async () => {
    const off = await startTestNode();
    try {
      for (const [method, path] of [
        ['GET', '/v1/admin/accounts'],
        ['POST', '/v1/admin/accounts'],
        ['DELETE', `/v1/admin/accounts/acc_${'0'.repeat(26)}`],
      ] as const) {
        const res = await rest(off.url, ADMIN_TOKEN)(method, path, method === 'POST' ? { email: 'x@example.com' } : undefined);
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(res.body).toMatchObject({ code: 'forbidden', detail: 'admin API disabled' });
      }
      expect((await off.api('GET', '/v1/admin/accounts')).body).toMatchObject({ code: 'forbidden' });
    } finally {
      await off.close();
    }
  });

  it('a wrong or missing token is 401 unauthorized; device tokens do not work on admin routes, nor the admin token on user routes', async () => {
    const ada = await t.signIn();
    expect((await rest(t.url, `${ADMIN_TOKEN}x`)('GET', '/v1/admin/accounts')).body).toMatchObject({ status: 401, code: 'unauthorized' });
    expect((await t.api('GET', '/v1/admin/accounts')).body).toMatchObject({ status: 401, code: 'unauthorized' });
    expect((await ada.api('GET', '/v1/admin/accounts')).body).toMatchObject({ status: 401, code: 'unauthorized' });
    expect((await ada.api('POST', `/v1/admin/accounts/${ada.accountId}/suspend`)).status).toBe(401);
    expect((await admin('GET', '/v1/me')).body).toMatchObject({ status: 401, code: 'unauthorized' });
    await expect(TestClient.connect(t.wsUrl, ADMIN_TOKEN)).rejects.toMatchObject({ code: 'unauthorized' });
    expect((await ada.api('GET', '/v1/me')).status).toBe(200);
    expect((await admin('GET', '/v1/admin/accounts')).status).toBe(200);
    expect(t.logs.filter((l) => l.includes(ADMIN_TOKEN.slice(0, 20)))).toEqual([]);
    expect(t.logs.some((l) => l.includes('"adminApi":true'))).toBe(true);
  });

  it('locks an IP out of the admin routes after too many failed tokens (429 with Retry-After), the right token included', async () => {
    const node = await startTestNode({ admin: { token: ADMIN_TOKEN, failuresPerIp: { limit: 3, windowMs: 60_000 } } });
    try {
      const wrong = rest(node.url, 'x'.repeat(40));
      for (let i = 0; i < 3; i++) expect((await wrong('GET', '/v1/admin/accounts')).status).toBe(401);
      const limited = await wrong('GET', '/v1/admin/accounts');
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ code: 'rate_limited', retryable: true });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await rest(node.url, ADMIN_TOKEN)('GET', '/v1/admin/accounts')).body).toMatchObject({ code: 'rate_limited' });
      // Sign-in and user routes are not affected.
      await node.signIn();
    } finally {
      await node.close();
    }
  });
});

describe('admin API: accounts', () => {
  it('lists every account newest first in pages, each once, and finds one by id, phone or email', async () => {
    const a = await t.signIn();
    const b = await t.signIn();
    await t.signIn(b.email, 'second device');
    const seen: AdminAccount[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: Page } = await admin<Page>('GET', `/v1/admin/accounts?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items);
      cursor = res.body.next;
    } while (cursor !== null);
    expect(new Set(seen.map((x) => x.id)).size).toBe(seen.length);
    const created = seen.map((x) => x.createdAt);
    expect(created).toEqual([...created].sort((x, y) => y - x));
    expect(seen.slice(0, 2).map((x) => x.id)).toEqual([b.accountId, a.accountId]);
    expect(seen[0]).toMatchObject({ email: b.email, devices: 2, suspendedAt: null, deletedAt: null });

    const find = async (q: string) => (await admin<Page>('GET', `/v1/admin/accounts?q=${encodeURIComponent(q)}`)).body.items.map((x) => x.id);
    expect(await find(a.email.toUpperCase())).toEqual([a.accountId]);
    expect(await find(b.accountId)).toEqual([b.accountId]);
    expect(await find('nobody@example.com')).toEqual([]);
    expect((await admin('GET', '/v1/admin/accounts?q=nonsense')).body).toMatchObject({ status: 400, code: 'invalid_identifier' });
    expect((await admin('GET', '/v1/admin/accounts?cursor=garbage')).body).toMatchObject({ status: 400, code: 'invalid_cursor' });
    expect((await admin('GET', '/v1/admin/accounts?limit=101')).body).toMatchObject({ status: 400, code: 'validation_failed' });
  });

  it('creates an account without a code; signing in by code then gets that account (newAccount false)', async () => {
    const email = `made-${Date.now()}@example.com`;
    const made = await admin<AdminAccount>('POST', '/v1/admin/accounts', { email, displayName: 'Made by ops' });
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({ email, displayName: 'Made by ops', devices: 0, suspendedAt: null });
    expect((await admin('POST', '/v1/admin/accounts', { email: email.toUpperCase() })).body).toMatchObject({ status: 409, code: 'conflict' });
    expect((await admin('POST', '/v1/admin/accounts', { phone: '12345' })).body).toMatchObject({ status: 400, code: 'invalid_identifier' });

    await t.api('POST', '/v1/auth/code', { email });
    const session = await t.api<Session>('POST', '/v1/auth/verify', { email, code: await t.codeFor(email), device: { name: 'first' } });
    expect(session.body).toMatchObject({ newAccount: false, accountId: made.body.id, account: { displayName: 'Made by ops' } });
  });

  it('suspend closes the live socket with 4204; REST, WebSocket and sign-in answer account_suspended; unsuspend restores', async () => {
    const ada = await t.signIn();
    const ben = await t.signIn();
    const socket = await t.connect(ada);

    const suspended = await admin<AdminAccount>('POST', `/v1/admin/accounts/${ada.accountId}/suspend`);
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ id: ada.accountId, suspendedAt: expect.any(Number), devices: 1 });
    expect((await socket.closed).code).toBe(CLOSE.accountSuspended);

    expect((await ada.api('GET', '/v1/me')).body).toMatchObject({ status: 403, code: 'account_suspended', retryable: false });
    expect((await t.api('POST', '/v1/auth/refresh', { refreshToken: ada.refreshToken })).body).toMatchObject({ code: 'account_suspended' });
    await expect(TestClient.connect(t.wsUrl, ada.accessToken)).rejects.toBeInstanceOf(FrameError);
    await expect(TestClient.connect(t.wsUrl, ada.accessToken)).rejects.toMatchObject({ code: 'account_suspended' });
    expect((await t.api('POST', '/v1/auth/code', { email: ada.email })).body).toMatchObject({ status: 403, code: 'account_suspended' });
    expect((await ben.api('GET', '/v1/me')).status).toBe(200);

    const lifted = await admin<AdminAccount>('POST', `/v1/admin/accounts/${ada.accountId}/unsuspend`);
    expect(lifted.body).toMatchObject({ suspendedAt: null, devices: 1 });
    expect((await ada.api('GET', '/v1/me')).status).toBe(200);
    const again = await t.connect(ada);
    expect(await again.call({ type: 'ping' })).toMatchObject({ serverTime: expect.any(Number) });
    expect((await t.api('POST', '/v1/auth/code', { email: ada.email })).status).toBe(202);
    expect((await admin('POST', `/v1/admin/accounts/acc_${'0'.repeat(26)}/suspend`)).body).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('delete removes the account as DELETE /v1/me does: socket closed with 4201, tokens dead, identifier free', async () => {
    const ada = await t.signIn();
    const socket = await t.connect(ada);
    const res = await admin('DELETE', `/v1/admin/accounts/${ada.accountId}`);
    expect(res.status).toBe(204);
    expect((await socket.closed).code).toBe(CLOSE.accountDeleted);
    expect((await ada.api('GET', '/v1/me')).body).toMatchObject({ code: 'unauthorized' });
    const listed = await admin<Page>('GET', `/v1/admin/accounts?q=${ada.accountId}`);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: ada.accountId, email: null, deletedAt: expect.any(Number), devices: 0 })]);
    expect((await admin('DELETE', `/v1/admin/accounts/${ada.accountId}`)).body).toMatchObject({ status: 404, code: 'not_found' });
    const back = await t.signIn(ada.email);
    expect(back.accountId).not.toBe(ada.accountId);
  });
});

describe('admin API: sessions', () => {
  /** The first frame the server answers an `auth` frame with on a fresh socket. */
  async function authFrame(token: string): Promise<Record<string, unknown>> {
    const ws = new WebSocket(t.wsUrl);
    try {
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const answer = new Promise<Record<string, unknown>>((resolve) => ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8')) as Record<string, unknown>)));
      ws.send(JSON.stringify({ type: 'auth', id: 'a1', token }));
      return await answer;
    } finally {
      ws.close();
    }
  }

  it('signs a new device in without a code: its tokens work on REST and the WebSocket, it is listed, refreshes and can be revoked', async () => {
    const email = `bot-${Date.now()}@example.com`;
    const made = await admin<AdminAccount>('POST', '/v1/admin/accounts', { email, displayName: 'Bot' });
    const res = await admin<Session>('POST', `/v1/admin/accounts/${made.body.id}/sessions`, { device: { name: 'load-bot', platform: 'bench' } });
    expect(res.status).toBe(200);
    const s = res.body;
    expect(s).toMatchObject({ accountId: made.body.id, deviceId: expect.stringMatching(/^dev_/), newAccount: false, account: { email, displayName: 'Bot' } });
    expect(s.accessTokenExpiresAt).toBeGreaterThan(Date.now());
    expect(t.logs.filter((l) => l.includes(s.accessToken) || l.includes(s.refreshToken))).toEqual([]);
    expect(t.logs.some((l) => l.includes('device signed in by an operator') && l.includes(s.deviceId))).toBe(true);

    const bot = rest(t.url, s.accessToken);
    expect((await bot('GET', '/v1/me')).body).toMatchObject({ id: made.body.id, displayName: 'Bot' });
    expect((await bot<{ items: { id: string; name: string; platform: string; current: boolean }[] }>('GET', '/v1/me/devices')).body.items).toEqual([
      expect.objectContaining({ id: s.deviceId, name: 'load-bot', platform: 'bench', current: true }),
    ]);
    expect(await authFrame(s.accessToken)).toMatchObject({ type: 'ready', id: 'a1', accountId: made.body.id, deviceId: s.deviceId });
    const socket = await TestClient.connect(t.wsUrl, s.accessToken);
    expect(await socket.call({ type: 'ping' })).toMatchObject({ serverTime: expect.any(Number) });

    // It talks to people like any device.
    const ada = await t.signIn();
    expect((await bot('POST', '/v1/conversations', { kind: 'direct', peer: ada.accountId })).status).toBe(200);

    const refreshed = await t.api<{ accessToken: string; refreshToken: string }>('POST', '/v1/auth/refresh', { refreshToken: s.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await rest(t.url, refreshed.body.accessToken)('GET', '/v1/me')).status).toBe(200);
    expect((await bot('GET', '/v1/me')).body).toMatchObject({ code: 'unauthorized' });

    // The owner, signed in by code on another device, sees it and signs it out.
    await t.api('POST', '/v1/auth/code', { email });
    const owner = await t.api<Session>('POST', '/v1/auth/verify', { email, code: await t.codeFor(email), device: { name: 'phone' } });
    const ownerApi = rest(t.url, owner.body.accessToken);
    expect((await ownerApi<{ items: { id: string }[] }>('GET', '/v1/me/devices')).body.items.map((d) => d.id).sort()).toEqual([s.deviceId, owner.body.deviceId].sort());
    expect((await ownerApi('DELETE', `/v1/me/devices/${s.deviceId}`)).status).toBe(204);
    expect((await socket.closed).code).toBe(CLOSE.sessionRevoked);
    expect((await rest(t.url, refreshed.body.accessToken)('GET', '/v1/me')).body).toMatchObject({ code: 'session_revoked' });
    expect((await admin<Page>('GET', `/v1/admin/accounts?q=${made.body.id}`)).body.items[0]?.devices).toBe(1);
  });

  it('needs the admin token; unknown and deleted accounts are 404 not_found, a suspended one 403 account_suspended, a bad body 400', async () => {
    const ada = await t.signIn();
    const path = `/v1/admin/accounts/${ada.accountId}/sessions`;
    const body = { device: { name: 'bot' } };
    expect((await rest(t.url, `${ADMIN_TOKEN}x`)('POST', path, body)).body).toMatchObject({ status: 401, code: 'unauthorized' });
    expect((await t.api('POST', path, body)).body).toMatchObject({ status: 401, code: 'unauthorized' });
    expect((await ada.api('POST', path, body)).body).toMatchObject({ status: 401, code: 'unauthorized' });
    expect((await admin('POST', path, {})).body).toMatchObject({ status: 400, code: 'validation_failed' });
    expect((await admin('POST', path, { device: { name: '' } })).body).toMatchObject({ status: 400, code: 'validation_failed' });
    expect((await admin('POST', `/v1/admin/accounts/acc_${'0'.repeat(26)}/sessions`, body)).body).toMatchObject({ status: 404, code: 'not_found' });

    await admin('POST', `/v1/admin/accounts/${ada.accountId}/suspend`);
    expect((await admin('POST', path, body)).body).toMatchObject({ status: 403, code: 'account_suspended' });
    await admin('POST', `/v1/admin/accounts/${ada.accountId}/unsuspend`);
    expect((await admin('POST', path, body)).status).toBe(200);

    await admin('DELETE', `/v1/admin/accounts/${ada.accountId}`);
    expect((await admin('POST', path, body)).body).toMatchObject({ status: 404, code: 'not_found' });
    expect((await admin<Page>('GET', `/v1/admin/accounts?q=${ada.accountId}`)).body.items[0]?.devices).toBe(0);
  });
});

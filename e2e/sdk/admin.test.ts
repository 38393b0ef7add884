// The admin namespace (generated from the admin routes of ROUTES) against a real server, and what
// a suspension does to a connected client: closed with 4204, session ended, no reconnect loop.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OttrError, createClient, type SessionEvent } from '@ottr/sdk/node';
import { startServer, type TestServer } from '../support/server.js';
import { nodeClient, pause } from './helpers.js';
import { until } from './suite.js';

const ADMIN_TOKEN = 'admin-token-for-the-sdk-tests-0123456789';
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ admin: { token: ADMIN_TOKEN } });
});
afterAll(() => server.close());

it('client.admin calls the admin routes with the admin token; a suspended account’s client stops', async () => {
  const s = await server.signIn();
  const user = nodeClient(server.url, s);
  const sessions: SessionEvent[] = [];
  user.on('session', (e) => sessions.push(e));
  const admin = createClient({ baseUrl: server.url, adminToken: ADMIN_TOKEN });
  try {
    expect(admin.admin.operations).toEqual(expect.arrayContaining(['adminListAccounts', 'adminSuspendAccount', 'adminUnsuspendAccount']));
    const found = await admin.admin.adminListAccounts({ query: { q: s.email } });
    expect(found.items.map((a) => a.id)).toEqual([s.accountId]);
    await expect(createClient({ baseUrl: server.url }).admin.adminListAccounts()).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(admin.admin.adminListAccounts(undefined, { token: 'x'.repeat(40) })).rejects.toBeInstanceOf(OttrError);

    await user.connect();
    const states: string[] = [];
    user.on('state', (c) => states.push(c.state));
    await admin.admin.adminSuspendAccount({ params: { accountId: s.accountId as never } });
    await until([user], () => user.state === 'closed-by-server', 'closed by the suspension');
    expect(sessions).toMatchObject([{ type: 'ended', reason: 'suspended', closeCode: 4204 }]);
    await pause(800);
    expect(states).toEqual(['closed-by-server']);
  } finally {
    await user.close();
  }
});

it('a request answered session_revoked ends the session even without a socket', async () => {
  const s1 = await server.signIn();
  const s2 = await server.signIn(s1.email);
  const revoked = nodeClient(server.url, s1);
  const other = nodeClient(server.url, s2);
  const sessions: SessionEvent[] = [];
  revoked.on('session', (e) => sessions.push(e));
  try {
    await other.devices.revoke(s1.deviceId as never);
    await expect(revoked.profile.me()).rejects.toMatchObject({ code: 'session_revoked' });
    await expect(revoked.conversations.load()).rejects.toMatchObject({ code: 'session_revoked' });
    expect(sessions).toMatchObject([{ type: 'ended', reason: 'revoked' }]);
    await expect(revoked.connect()).rejects.toMatchObject({ code: 'session_revoked' });
    expect(revoked.state).toBe('closed-by-server');
  } finally {
    await Promise.all([revoked.close(), other.close()]);
  }
});

it('client.admin.adminCreateSession provisions a device without a code; a client with that session connects and talks', async () => {
  const admin = createClient({ baseUrl: server.url, adminToken: ADMIN_TOKEN });
  expect(admin.admin.operations).toContain('adminCreateSession');
  const peer = await server.signIn();
  const made = await admin.admin.adminCreateAccount({ body: { email: `bot-${Date.now()}@example.com`, displayName: 'Bot' } });
  const session = await admin.admin.adminCreateSession({ params: { accountId: made.id }, body: { device: { name: 'sdk bot' } } });
  expect(session).toMatchObject({ accountId: made.id, newAccount: false });
  const bot = nodeClient(server.url, session);
  try {
    await bot.connect();
    expect(bot.state).toBe('live');
    expect((await bot.devices.list()).map((d) => [d.id, d.name])).toEqual([[session.deviceId, 'sdk bot']]);
    expect((await bot.profile.me()).displayName).toBe('Bot');
    await expect(admin.admin.adminCreateSession({ params: { accountId: peer.accountId as never }, body: { device: { name: 'x' } } }, { token: 'x'.repeat(40) })).rejects.toMatchObject({ code: 'unauthorized' });
  } finally {
    await bot.close();
  }
});

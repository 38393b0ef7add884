// (c) Access tokens that expire after one second refresh themselves (REST and WebSocket, one
// refresh at a time), and a revoked device stops without a reconnect loop.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KEYS, MemoryStore, OttrError, type SavedSession, type SessionEvent, type StateChange } from '@ottr/sdk/node';
import { startChaosProxy, type ChaosProxy } from '../support/chaos-proxy.js';
import { startServer, type TestServer } from '../support/server.js';
import { nodeClient, pause } from './helpers.js';
import { until } from './suite.js';

const TTL_MS = 1000;
let server: TestServer;
let proxy: ChaosProxy;
beforeAll(async () => {
  server = await startServer({ auth: { accessTokenTtlMs: TTL_MS } });
  proxy = await startChaosProxy(server.url);
});
afterAll(async () => {
  await proxy.close();
  await server.close();
});

it('expired access tokens are refreshed once for concurrent REST calls, the rotated refresh token saved', async () => {
  const s = await server.signIn();
  const store = new MemoryStore();
  const a = nodeClient(server.url, s, { store });
  const sessions: SessionEvent[] = [];
  a.on('session', (e) => sessions.push(e));
  try {
    await a.connect();
    await pause(TTL_MS + 100); // the token expires: time itself is what this test is about
    const results = await Promise.all(Array.from({ length: 8 }, () => a.profile.me()));
    expect(results.every((r) => r.id === s.accountId)).toBe(true);
    expect(sessions).toEqual([{ type: 'refreshed' }]);
    const saved = (await store.get(KEYS.session)) as SavedSession;
    expect(saved.refreshToken).not.toBe(s.refreshToken);
    expect(saved.accessToken).not.toBe(s.accessToken);
    // The old refresh token is spent; the saved one works (the device was not revoked by a double refresh).
    await expect(server.call('POST', '/v1/auth/refresh', { refreshToken: s.refreshToken })).rejects.toThrow(/401/);
  } finally {
    await a.close();
  }
});

it('an expired token presented on the WebSocket (close 4100) is refreshed and the client reconnects', async () => {
  const s = await server.signIn();
  // No expiry known to the client: it finds out from the server.
  const { accessTokenExpiresAt: _unknown, ...session } = s;
  const a = nodeClient(proxy.url, session);
  const states: StateChange[] = [];
  a.on('state', (c) => states.push(c));
  try {
    await pause(TTL_MS + 100);
    await a.connect();
    expect(states.find((c) => c.closeCode === 4100)).toMatchObject({ state: 'backing-off' });
    expect(a.state).toBe('live');
    // Later drops reconnect with fresh tokens too (refreshed before connecting when known to be expired).
    await pause(TTL_MS + 100);
    proxy.cutAll();
    await until([a], () => a.state === 'live' && states.at(-2)?.state === 'syncing', 'live again after the cut');
    expect(states.filter((c) => c.state === 'closed-by-server')).toEqual([]);
  } finally {
    await a.close();
  }
});

it('a revoked device goes to closed-by-server with a session event and does not reconnect', async () => {
  const s1 = await server.signIn();
  const s2 = await server.signIn(s1.email);
  const a1 = nodeClient(proxy.url, s1);
  const a2 = nodeClient(server.url, s2);
  const sessions: SessionEvent[] = [];
  const states: string[] = [];
  a1.on('session', (e) => sessions.push(e));
  a1.on('state', (c) => states.push(c.state));
  try {
    await a1.connect();
    a1.messages.send((await a1.conversations.openDirect((await server.signIn()).accountId as never)).conversation.id, 'before revocation');
    await until([a1], () => a1.messages.pending().length === 0, 'sent');
    await a2.devices.revoke(s1.deviceId as never);
    await until([a1], () => a1.state === 'closed-by-server', 'closed-by-server');
    expect(sessions).toMatchObject([{ type: 'ended', reason: 'revoked', closeCode: 4200 }]);
    const accepted = proxy.accepted;
    const statesBefore = states.length;
    await pause(1500); // a reconnect loop would show within this time (backoff ≤ 400 ms)
    expect(proxy.accepted).toBe(accepted);
    expect(states.length).toBe(statesBefore);
    expect(a1.state).toBe('closed-by-server');
    // Sending queues locally; REST answers session_revoked without trying to refresh forever.
    a1.messages.send(a1.conversations.list()[0]!.conversation.id, 'after');
    await expect(a1.profile.me()).rejects.toSatisfy((e: unknown) => e instanceof OttrError && e.code === 'session_revoked');
    await expect(a1.connect()).rejects.toMatchObject({ code: 'session_revoked' });
  } finally {
    await Promise.all([a1.close(), a2.close()]);
  }
});

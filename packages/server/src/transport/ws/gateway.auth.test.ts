import { CLOSE, LIMITS, PROTOCOL_VERSION } from '@ottr/protocol';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../adapters/memory-bus.js';
import { startGateway, TestClient, type Harness } from './test-kit.js';

let harnesses: Harness[] = [];
const clients: TestClient[] = [];

async function start(...args: Parameters<typeof startGateway>): Promise<Harness> {
  const h = await startGateway(...args);
  harnesses.push(h);
  return h;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(harnesses.map((h) => h.stop()));
  harnesses = [];
});

async function open(url: string): Promise<TestClient> {
  const c = await TestClient.open(url);
  clients.push(c);
  return c;
}

describe('ws gateway: auth', () => {
  it('answers a valid auth with ready and tells listeners after ready', async () => {
    const h = await start();
    const before = Date.now();
    const c = await open(h.url);
    const ready = await c.request({ type: 'auth', id: 'a1', token: 'alice1', protocol: 1 });
    expect(ready).toEqual({
      type: 'ready',
      id: 'a1',
      accountId: 'acc_alice',
      deviceId: 'dev_alice1',
      protocol: PROTOCOL_VERSION,
      serverTime: expect.any(Number) as number,
      heartbeatMs: h.config.ws.heartbeatMs,
      maxFrameBytes: LIMITS.frameBytes,
    });
    expect(ready.serverTime).toBeGreaterThanOrEqual(before);
    expect(h.opened).toEqual([
      { accountId: 'acc_alice', deviceId: 'dev_alice1', connectionId: expect.stringMatching(/^wsc_/) as string, ip: '127.0.0.1' },
    ]);
    expect(h.gateway.connectionCount()).toBe(1);
  });

  it.each([
    ['nope', 'unauthorized', 401, CLOSE.unauthorized],
    ['expired', 'token_expired', 401, CLOSE.tokenExpired],
    ['revoked', 'session_revoked', 401, CLOSE.sessionRevoked],
    ['suspended', 'account_suspended', 403, CLOSE.accountSuspended],
  ])('token %s → error %s with the id, then close %i', async (token, code, status, closeCode) => {
    const h = await start();
    const c = await open(h.url);
    const err = await c.request({ type: 'auth', id: 'a1', token });
    expect(err).toMatchObject({ type: 'error', id: 'a1', code, status, retryable: false });
    expect(await c.closed).toMatchObject({ code: closeCode });
    expect(h.opened).toEqual([]);
  });

  it('an authenticate that throws a non-AppError → internal, close 1011, logged', async () => {
    const h = await start();
    const c = await open(h.url);
    expect(await c.request({ type: 'auth', id: 'a1', token: 'boom' })).toMatchObject({ type: 'error', id: 'a1', code: 'internal', retryable: true });
    expect((await c.closed).code).toBe(CLOSE.serverError);
    expect(h.logs.some((l) => l.level === 'error' && l.msg?.includes('authenticate'))).toBe(true);
  });

  it('a protocol newer than the server → close 4203', async () => {
    const h = await start();
    const c = await open(h.url);
    expect(await c.request({ type: 'auth', id: 'a1', token: 'alice1', protocol: PROTOCOL_VERSION + 1 })).toMatchObject({
      type: 'error',
      id: 'a1',
      code: 'bad_request',
    });
    expect((await c.closed).code).toBe(CLOSE.protocolUnsupported);
  });

  it('a frame before auth → unauthorized, and the socket stays usable for auth', async () => {
    const h = await start();
    const c = await open(h.url);
    expect(await c.request({ type: 'ping', id: 'p1' })).toMatchObject({ type: 'error', id: 'p1', code: 'unauthorized' });
    expect(await c.request('{bad')).toMatchObject({ type: 'error', code: 'malformed_json' });
    expect(await c.request({ type: 'auth', id: 'a1', token: 'alice1' })).toMatchObject({ type: 'ready', id: 'a1' });
  });

  it('no auth within authTimeoutMs → close 4003, even after other frames', async () => {
    const h = await start({ ws: { authTimeoutMs: 150 } });
    const c = await open(h.url);
    expect(await c.request({ type: 'ping', id: 'p1' })).toMatchObject({ code: 'unauthorized' });
    expect(await c.closed).toEqual({ code: CLOSE.authTimeout, reason: 'auth timeout' });
    expect(await h.serverClosed(1)).toEqual([CLOSE.authTimeout]);
    expect(h.gateway.connectionCount()).toBe(0);
  });

  it('an authenticate still running at the auth timeout → close 4003', async () => {
    const h = await start({ ws: { authTimeoutMs: 150 } });
    const c = await open(h.url);
    c.send({ type: 'auth', id: 'a1', token: 'never' });
    expect((await c.closed).code).toBe(CLOSE.authTimeout);
  });

  it('frames while auth is being checked → unauthorized / bad_request', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const h = await start({
      authenticate: async () => {
        await gate;
        return { accountId: 'acc_x' as never, deviceId: 'dev_x' as never };
      },
    });
    const c = await open(h.url);
    c.send({ type: 'auth', id: 'a1', token: 't' });
    expect(await c.request({ type: 'auth', id: 'a2', token: 't' })).toMatchObject({ id: 'a2', code: 'bad_request' });
    expect(await c.request({ type: 'ping', id: 'p1' })).toMatchObject({ id: 'p1', code: 'unauthorized' });
    release();
    expect(await c.next()).toMatchObject({ type: 'ready', id: 'a1' });
  });

  it('auth again after ready → bad_request, connection stays open', async () => {
    const h = await start();
    const { client } = await TestClient.authed(h.url, 'alice1');
    clients.push(client);
    expect(await client.request({ type: 'auth', id: 'a2', token: 'alice1' })).toMatchObject({ type: 'error', id: 'a2', code: 'bad_request' });
    expect(await client.request({ type: 'ping', id: 'p1' })).toMatchObject({ type: 'result', id: 'p1' });
  });

  it('a second connection of the same device replaces the first (4202)', async () => {
    const h = await start();
    const first = await TestClient.authed(h.url, 'alice1');
    const other = await TestClient.authed(h.url, 'alice2');
    const second = await TestClient.authed(h.url, 'alice1');
    clients.push(first.client, other.client, second.client);
    expect(await first.client.closed).toEqual({ code: CLOSE.replaced, reason: 'replaced by a newer connection' });
    expect(h.closed.map((c) => c.connectionId)).toEqual([h.opened[0]!.connectionId]);
    // the other device and the new connection are untouched
    expect(await second.client.request({ type: 'ping', id: 'p' })).toMatchObject({ type: 'result' });
    expect(await other.client.request({ type: 'ping', id: 'p' })).toMatchObject({ type: 'result' });
    expect(h.gateway.connectionCount()).toBe(2);
  });

  it('replacement reaches the older connection on another node through the bus', async () => {
    const bus = new MemoryBus();
    const nodeA = await start({ bus });
    const nodeB = await start({ bus });
    const onA = await TestClient.authed(nodeA.url, 'alice1');
    const onB = await TestClient.authed(nodeB.url, 'alice1');
    clients.push(onA.client, onB.client);
    expect((await onA.client.closed).code).toBe(CLOSE.replaced);
    expect(await onB.client.request({ type: 'ping', id: 'p' })).toMatchObject({ type: 'result' });
  });

  it('other paths get 404 and no WebSocket', async () => {
    const h = await start();
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${h.port}/v1/other`);
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('open', () => reject(new Error('opened')));
      ws.on('error', () => {});
    });
    expect(status).toBe(404);
    expect(h.gateway.connectionCount()).toBe(0);
  });
});

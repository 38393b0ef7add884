import { once } from 'node:events';
import { CLOSE } from '@ottr/protocol';
import type { ClientOptions } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, TestClient, type AnyFrame, type Harness } from './test-kit.js';

let h: Harness;
const clients: TestClient[] = [];

async function authed(token: string, options?: ClientOptions): Promise<TestClient> {
  const { client } = await TestClient.authed(h.url, token, options);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await h.stop();
});

describe('ws gateway: heartbeat', () => {
  it('pings every heartbeatMs and keeps a peer that answers', async () => {
    h = await startGateway({ ws: { heartbeatMs: 200 } });
    const c = await authed('alice1');
    for (let i = 0; i < 3; i++) await once(c.ws, 'ping');
    expect(await c.request({ type: 'ping', id: 'p' })).toMatchObject({ type: 'result' });
    expect(h.closeCodes).toEqual([]);
  });

  it('terminates a peer that does not pong (recorded as 4002)', async () => {
    h = await startGateway({ ws: { heartbeatMs: 200 } });
    const c = await authed('alice1', { autoPong: false });
    const survivor = await authed('alice2');
    await once(c.ws, 'ping');
    // terminated, not closed with a handshake: the peer sees an abnormal closure
    expect((await c.closed).code).toBe(1006);
    expect(await h.serverClosed(1)).toEqual([CLOSE.heartbeatTimeout]);
    expect(h.closed.map((x) => x.deviceId)).toEqual(['dev_alice1']);
    expect(await survivor.request({ type: 'ping', id: 'p' })).toMatchObject({ type: 'result' });
  });
});

describe('ws gateway: slow consumer', () => {
  it('never buffers more than maxBufferedBytes for a client that stops reading; closes it 4001', async () => {
    const maxBufferedBytes = 256 * 1024;
    h = await startGateway({ ws: { maxBufferedBytes } });
    const c = await authed('alice1');
    const serverSocket = h.upgradeSockets[0]!;
    c.ws.pause(); // stop reading: the kernel buffers fill, then the server's user-space buffer would grow
    const frame = JSON.stringify({ type: 'presence', accountId: 'acc_carol', online: true, lastSeenAt: 1, pad: 'x'.repeat(16 * 1024) });
    let maxUnsent = 0;
    let published = 0;
    // Up to 64 MiB in total, far above what loopback kernel buffers hold.
    while (h.closed.length === 0 && published < 4096) {
      h.bus.publish('acct.acc_alice', { frame });
      published++;
      maxUnsent = Math.max(maxUnsent, serverSocket.writableLength);
      // Let the event loop run now and then so that writes to the kernel complete.
      if (published % 32 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(h.closed.map((x) => x.deviceId)).toEqual(['dev_alice1']);
    const unsentAtClose = serverSocket.writableLength;
    // The bound holds (plus the few bytes of the close frame written after the last check).
    expect(maxUnsent).toBeLessThanOrEqual(maxBufferedBytes + 64);
    // Nothing more is written once it is closing.
    for (let i = 0; i < 100; i++) h.bus.publish('acct.acc_alice', { frame });
    expect(serverSocket.writableLength).toBeLessThanOrEqual(unsentAtClose);
    // The client, reading again, gets what was sent and then the 4001 close.
    let received = 0;
    c.ws.on('message', () => received++);
    c.ws.resume();
    expect(await c.closed).toEqual({ code: CLOSE.slowConsumer, reason: 'slow consumer' });
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(published);
    expect(await h.serverClosed(1)).toEqual([CLOSE.slowConsumer]);
  });

  it('a client that reads keeps up with the same burst', async () => {
    h = await startGateway({ ws: { maxBufferedBytes: 256 * 1024 } });
    const c = await authed('alice1');
    const frame = JSON.stringify({ type: 'presence', accountId: 'acc_carol', online: true, lastSeenAt: 1, pad: 'x'.repeat(1024) });
    const n = 2000;
    let received = 0;
    const all = new Promise<void>((resolve) =>
      c.ws.on('message', () => {
        if (++received === n) resolve();
      }),
    );
    for (let i = 0; i < n; i++) {
      h.bus.publish('acct.acc_alice', { frame });
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    await all;
    expect(h.closeCodes).toEqual([]);
  });
});

describe('ws gateway: frame rate', () => {
  it('answers rate_limited above framesPerSecond and closes 4004 at 4x', async () => {
    const t = 1_700_000_000_000; // a frozen clock: every frame falls in one window
    h = await startGateway({ ws: { framesPerSecond: 5 }, now: () => t });
    const c = await authed('alice1'); // frame 1 of the window
    for (let i = 2; i <= 19; i++) c.send({ type: 'ping', id: `p${i}` });
    const replies: AnyFrame[] = [];
    for (let i = 2; i <= 19; i++) replies.push(await c.next());
    expect(replies.slice(0, 4).map((r) => [r.type, r.id])).toEqual([
      ['result', 'p2'],
      ['result', 'p3'],
      ['result', 'p4'],
      ['result', 'p5'],
    ]);
    for (const [k, r] of replies.slice(4).entries()) {
      expect(r).toMatchObject({ type: 'error', id: `p${k + 6}`, code: 'rate_limited', status: 429, retryable: true });
    }
    c.send({ type: 'ping', id: 'p20' });
    expect(await c.closed).toEqual({ code: CLOSE.rateLimited, reason: 'too many frames' });
  });

  it('a new window starts a second after the first frame of the last one', async () => {
    let t = 1_700_000_000_000;
    h = await startGateway({ ws: { framesPerSecond: 2 }, now: () => t });
    const c = await authed('alice1');
    expect(await c.request({ type: 'ping', id: 'a' })).toMatchObject({ type: 'result' });
    expect(await c.request({ type: 'ping', id: 'b' })).toMatchObject({ code: 'rate_limited' });
    t += 1000;
    expect(await c.request({ type: 'ping', id: 'c' })).toMatchObject({ type: 'result', id: 'c' });
  });
});

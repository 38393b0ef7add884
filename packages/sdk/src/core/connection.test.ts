import { beforeEach, describe, expect, it } from 'vitest';
import type { ReadyFrame } from '@ottr/protocol';
import { Connection, type ConnectionHooks, type StateChange } from './connection.js';
import { OttrError } from './errors.js';
import { fakePlatform, type FakePlatform, type FakeSocket } from './fake-platform.js';

interface Harness {
  fake: FakePlatform;
  conn: Connection;
  states: StateChange[];
  refreshes: string[];
  lives: number;
  token: string;
  /** What onReady (the sync) does; default: resolves at once. */
  onReady: (ready: ReadyFrame) => Promise<void>;
  /** Makes accessToken() throw this. */
  tokenError: OttrError | null;
}

function setup(options: { pingIntervalMs?: number; pingTimeoutMs?: number; stableMs?: number } = {}): Harness {
  const fake = fakePlatform();
  fake.randomValues = [0.99999];
  const h = { fake, states: [], refreshes: [], lives: 0, token: 'T1', tokenError: null, onReady: async () => {} } as unknown as Harness;
  const hooks: ConnectionHooks = {
    accessToken: async () => {
      if (h.tokenError) throw h.tokenError;
      return h.token;
    },
    refresh: async (stale) => {
      h.refreshes.push(stale);
      h.token = `T${h.refreshes.length + 1}`;
    },
    onReady: (ready) => h.onReady(ready),
    onLive: () => void h.lives++,
    onFrame: () => {},
    onState: (s) => void h.states.push(s),
  };
  h.conn = new Connection(fake.platform, { url: 'ws://ottr.test/v1/ws', backoff: { baseMs: 500, maxMs: 30_000 }, ...options }, hooks);
  return h;
}

const ready = (id: unknown): ReadyFrame => ({
  type: 'ready',
  id: String(id),
  accountId: 'acc_01JDQ3ZB7W8Q0K1S2V3X4Y5Z6A' as ReadyFrame['accountId'],
  deviceId: 'dev_01JDQ3ZB7W8Q0K1S2V3X4Y5Z6A',
  protocol: 1,
  serverTime: 0,
  heartbeatMs: 30_000,
  maxFrameBytes: 262_144,
});

/** Opens the newest socket and answers its auth with ready. */
async function accept(h: Harness): Promise<FakeSocket> {
  await h.fake.flush();
  const sock = h.fake.sockets.at(-1)!;
  sock.open();
  const auth = sock.last('auth')!;
  sock.receive(ready(auth.id));
  await h.fake.flush();
  return sock;
}

const names = (h: Harness) => h.states.map((s) => s.state);

describe('Connection state machine', () => {
  let h: Harness;
  beforeEach(() => {
    h = setup();
  });

  it('goes idle → connecting → authenticating → syncing → live, authenticating with the access token', async () => {
    expect(h.conn.state).toBe('idle');
    h.conn.start();
    const sock = await accept(h);
    expect(names(h)).toEqual(['connecting', 'authenticating', 'syncing', 'live']);
    expect(sock.url).toBe('ws://ottr.test/v1/ws');
    expect(sock.sent[0]).toMatchObject({ type: 'auth', token: 'T1', protocol: 1 });
    expect(h.lives).toBe(1);
  });

  it('stays in syncing until the sync hook finishes', async () => {
    let finish!: () => void;
    h.onReady = () => new Promise<void>((resolve) => (finish = resolve));
    h.conn.start();
    await accept(h);
    expect(h.conn.state).toBe('syncing');
    finish();
    await h.fake.flush();
    expect(h.conn.state).toBe('live');
  });

  it('a lost connection backs off with full jitter, then connects again', async () => {
    h.conn.start();
    const first = await accept(h);
    first.serverClose(1006);
    const backingOff = h.states.at(-1)!;
    expect(backingOff).toMatchObject({ state: 'backing-off', closeCode: 1006, delayMs: 499 });
    await h.fake.advance(498);
    expect(h.fake.sockets).toHaveLength(1);
    await h.fake.advance(1);
    expect(h.fake.sockets).toHaveLength(2);
    await accept(h);
    expect(h.conn.state).toBe('live');
  });

  it('doubles the backoff ceiling with each failed attempt up to the cap', async () => {
    h.conn.start();
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      await h.fake.flush();
      h.fake.sockets.at(-1)!.serverClose(1006);
      const s = h.states.at(-1)!;
      delays.push(s.delayMs!);
      await h.fake.advance(s.delayMs!);
    }
    expect(delays).toEqual([499, 999, 1999, 3999, 7999, 15_999, 29_999, 29_999, 29_999]);
  });

  it('resets the backoff after a stable live period, not before', async () => {
    h.conn.start();
    for (let i = 0; i < 4; i++) {
      await h.fake.flush();
      h.fake.sockets.at(-1)!.serverClose(1006);
      await h.fake.advance(h.states.at(-1)!.delayMs!);
    }
    let sock = await accept(h);
    await h.fake.advance(9_000); // live, but not yet stable (10 s)
    sock.serverClose(1001);
    expect(h.states.at(-1)!.delayMs).toBe(7999);
    await h.fake.advance(7999);
    sock = await accept(h);
    await h.fake.advance(10_000);
    sock.serverClose(1001);
    expect(h.states.at(-1)!.delayMs).toBe(499);
  });

  it.each([4200, 4201, 4202, 4203, 4204])('close %i ends in closed-by-server with no reconnect loop', async (code) => {
    h.conn.start();
    const sock = await accept(h);
    sock.serverClose(code, 'bye');
    expect(h.states.at(-1)).toMatchObject({ state: 'closed-by-server', closeCode: code, reason: 'bye' });
    expect(h.fake.pendingTimers()).toBe(0);
    await h.fake.advance(10 * 60_000);
    expect(h.fake.sockets).toHaveLength(1);
    expect(h.conn.state).toBe('closed-by-server');
  });

  it('4100 refreshes the token (with the token that failed), then reconnects with the new one', async () => {
    h.conn.start();
    const sock = await accept(h);
    sock.serverClose(4100, 'token expired');
    expect(h.refreshes).toEqual(['T1']);
    expect(h.conn.state).toBe('backing-off');
    await h.fake.advance(h.states.at(-1)!.delayMs!);
    const next = await accept(h);
    expect(next.sent[0]).toMatchObject({ type: 'auth', token: 'T2' });
    expect(h.conn.state).toBe('live');
  });

  it('an auth error followed by a close without its code is read by the error (token_expired → refresh)', async () => {
    h.conn.start();
    await h.fake.flush();
    const sock = h.fake.sockets[0]!;
    sock.open();
    sock.receive({ type: 'error', id: sock.last('auth')!.id, code: 'token_expired', status: 401, message: 'expired', retryable: false });
    sock.serverClose(1006);
    expect(h.states.at(-1)).toMatchObject({ state: 'backing-off', closeCode: 4100 });
    expect(h.refreshes).toEqual(['T1']);
  });

  it('an auth error session_revoked ends in closed-by-server', async () => {
    h.conn.start();
    await h.fake.flush();
    const sock = h.fake.sockets[0]!;
    sock.open();
    sock.receive({ type: 'error', id: sock.last('auth')!.id, code: 'session_revoked', status: 401, message: 'revoked', retryable: false });
    sock.serverClose(4200);
    expect(h.conn.state).toBe('closed-by-server');
    expect(h.fake.pendingTimers()).toBe(0);
  });

  it('a session that ended while getting a token (refresh revoked) ends in closed-by-server', async () => {
    h.tokenError = new OttrError('session_revoked');
    h.conn.start();
    await h.fake.flush();
    expect(h.states.at(-1)).toMatchObject({ state: 'closed-by-server', reason: 'session_revoked' });
    expect(h.fake.sockets).toHaveLength(0);
    expect(h.fake.pendingTimers()).toBe(0);
  });

  it('a network failure while getting a token backs off and tries again', async () => {
    h.tokenError = new OttrError('network');
    h.conn.start();
    await h.fake.flush();
    expect(h.conn.state).toBe('backing-off');
    h.tokenError = null;
    await h.fake.advance(h.states.at(-1)!.delayMs!);
    await accept(h);
    expect(h.conn.state).toBe('live');
  });

  it('sends ping frames while live and drops a socket whose ping goes unanswered (4002)', async () => {
    h = setup({ pingIntervalMs: 5000, pingTimeoutMs: 2000 });
    h.conn.start();
    const sock = await accept(h);
    await h.fake.advance(5000);
    const ping = sock.last('ping')!;
    expect(ping).toBeDefined();
    sock.receive({ type: 'result', id: ping.id, result: { serverTime: 1 } });
    await h.fake.advance(5000);
    expect(h.conn.state).toBe('live');
    const second = sock.sent.filter((f) => f.type === 'ping');
    expect(second).toHaveLength(2);
    await h.fake.advance(2000); // no answer to the second ping
    expect(h.states.at(-1)).toMatchObject({ state: 'backing-off', closeCode: 4002 });
    expect(sock.closedByClient).not.toBeNull();
    await h.fake.advance(h.states.at(-1)!.delayMs!);
    expect(h.fake.sockets).toHaveLength(2);
  });

  it('pings at most as often as the server heartbeat', async () => {
    h = setup({ pingIntervalMs: 60_000 });
    h.conn.start();
    const sock = await accept(h);
    await h.fake.advance(30_000);
    expect(sock.last('ping')).toBeDefined();
  });

  it('a socket that does not open and authenticate in time is dropped (4003)', async () => {
    h.conn.start();
    await h.fake.advance(15_000);
    expect(h.states.at(-1)).toMatchObject({ state: 'backing-off', closeCode: 4003 });
    expect(h.fake.sockets[0]!.closedByClient).not.toBeNull();
  });

  it('a failing sync drops the socket and retries later', async () => {
    h.onReady = async () => {
      throw new Error('disk full');
    };
    h.conn.start();
    const sock = await accept(h);
    expect(h.states.at(-1)).toMatchObject({ state: 'backing-off', closeCode: 1011 });
    expect(h.states.at(-1)!.error?.message).toBe('disk full');
    expect(sock.closedByClient).not.toBeNull();
    expect(names(h)).not.toContain('live');
  });

  it('matches replies to requests by id, in any order, and turns error frames into OttrErrors', async () => {
    h.conn.start();
    const sock = await accept(h);
    const a = h.conn.request({ type: 'delivered', conversationId: 'cnv_01JDQ3ZB7W8Q0K1S2V3X4Y5Z6A' as never, seq: 1 });
    const b = h.conn.request({ type: 'read', conversationId: 'cnv_01JDQ3ZB7W8Q0K1S2V3X4Y5Z6A' as never, seq: 1 });
    const [fa, fb] = sock.sent.slice(-2);
    sock.receive({ type: 'error', id: fb!.id, code: 'not_member', status: 403, message: 'Not a member', retryable: false });
    sock.receive({ type: 'result', id: fa!.id, result: {} });
    await expect(a).resolves.toEqual({});
    await expect(b).rejects.toMatchObject({ name: 'OttrError', code: 'not_member', status: 403, retryable: false });
  });

  it('fails requests that get no reply in time (timeout) and those pending when the socket closes (disconnected)', async () => {
    h = setup();
    h.conn = new Connection(h.fake.platform, { url: 'ws://x', requestTimeoutMs: 1000 }, (h.conn as unknown as { hooks: ConnectionHooks }).hooks);
    h.conn.start();
    const sock = await accept(h);
    const timedOut = h.conn.request({ type: 'ping' });
    await h.fake.advance(1000);
    await expect(timedOut).rejects.toMatchObject({ code: 'timeout', retryable: true });
    const cut = h.conn.request({ type: 'ping' });
    sock.serverClose(1006);
    await expect(cut).rejects.toMatchObject({ code: 'disconnected', retryable: true });
    await expect(h.conn.request({ type: 'ping' })).rejects.toMatchObject({ code: 'disconnected' });
  });

  it('stop() closes the socket, rejects what is pending, cancels every timer and stays stopped', async () => {
    h.conn.start();
    const sock = await accept(h);
    const pending = h.conn.request({ type: 'ping' });
    h.conn.stop();
    await expect(pending).rejects.toMatchObject({ code: 'stopped' });
    expect(h.conn.state).toBe('stopped');
    expect(sock.closedByClient).toMatchObject({ code: 1000 });
    expect(h.fake.pendingTimers()).toBe(0);
    sock.serverClose(1006); // a late close of the old socket changes nothing
    await h.fake.advance(60_000);
    expect(h.conn.state).toBe('stopped');
    expect(h.fake.sockets).toHaveLength(1);
  });

  it('stop() while backing off cancels the reconnect; start() connects again', async () => {
    h.conn.start();
    const sock = await accept(h);
    sock.serverClose(1006);
    h.conn.stop();
    await h.fake.advance(60_000);
    expect(h.fake.sockets).toHaveLength(1);
    h.conn.start();
    await accept(h);
    expect(h.conn.state).toBe('live');
  });

  it('frames without an id go to onFrame; stale replies and junk are ignored', async () => {
    const frames: unknown[] = [];
    const hooks = (h.conn as unknown as { hooks: ConnectionHooks }).hooks;
    hooks.onFrame = (f) => void frames.push(f);
    h.conn.start();
    const sock = await accept(h);
    sock.onmessage?.('not json');
    sock.receive({ type: 'result', id: 'nobody', result: {} });
    sock.receive({ type: 'typing', conversationId: 'c', accountId: 'a', state: 'typing', expiresInMs: 6000 });
    sock.receive({ type: 'something_new', x: 1 });
    expect(frames).toEqual([
      { type: 'typing', conversationId: 'c', accountId: 'a', state: 'typing', expiresInMs: 6000 },
      { type: 'something_new', x: 1 },
    ]);
  });
});

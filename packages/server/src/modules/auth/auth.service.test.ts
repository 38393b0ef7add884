import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLOSE, ROUTES, type Identifier } from '@ottr/protocol';
import { createSqliteStore } from '@ottr/store-sqlite';
import { Value } from '@sinclair/typebox/value';
import { pino, type Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DevCodeSender } from '../../adapters/dev-code-sender.js';
import { MemoryBus } from '../../adapters/memory-bus.js';
import { MemoryRateLimiter } from '../../adapters/memory-rate-limiter.js';
import { UlidGenerator } from '../../adapters/system-clock.js';
import { resolveServerConfig } from '../../config.js';
import { AppError } from '../../errors/index.js';
import type { BusMessage, CodeSender, OutgoingCode } from '../../ports/index.js';
import { Delivery } from '../delivery/index.js';
import { AuthService, authRoutes } from './index.js';
import { TOUCH_INTERVAL_MS } from './auth.service.js';
import { identifierKey } from './identifiers.js';
import { failureCode } from '../../testing/index.js';

/** The in-process bus, remembering what was published (to see sockets being closed). */
class RecordingBus extends MemoryBus {
  readonly published: { subject: string; message: BusMessage }[] = [];
  override publish(subject: string, message: BusMessage): void {
    this.published.push({ subject, message });
    super.publish(subject, message);
  }
}

const PHONE = '+12133734253';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type SenderFactory = (env: { outbox: OutgoingCode[]; logger: Logger }) => CodeSender;

function setup(options: { config?: Record<string, unknown>; codeSender?: SenderFactory } = {}) {
  let now = Date.UTC(2030, 0, 1);
  const clock = { now: () => now };
  const store = createSqliteStore({ path: ':memory:' });
  cleanups.push(() => store.close());
  const bus = new RecordingBus();
  const outbox: OutgoingCode[] = [];
  const logLines: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (s: string) => void logLines.push(s) });
  const codeSender = options.codeSender?.({ outbox, logger }) ?? { send: async (m: OutgoingCode) => void outbox.push(m) };
  const config = resolveServerConfig(options.config ?? {});
  const auth = new AuthService({
    store, clock, ids: new UlidGenerator(clock), codeSender, rateLimiter: new MemoryRateLimiter({ clock }),
    delivery: new Delivery(bus), config, logger, secret: 'test-secret-0123456789',
  });
  const lastCode = (to: string) => {
    const sent = outbox.filter((m) => m.to === to).at(-1);
    if (!sent) throw new Error(`no code sent to ${to}`);
    return sent.code;
  };
  const signIn = async (id: Identifier, device = 'phone', ip = '10.0.0.1') => {
    const sent = await auth.requestCode(id, ip);
    return auth.verifyCode({ ...id, code: lastCode(sent.identifier), device: { name: device, platform: 'test' } }, ip);
  };
  const closes = () => bus.published.filter((p) => p.message.close).map((p) => ({ subject: p.subject, ...p.message.close }));
  return { auth, store, config, outbox, logger, logLines, lastCode, signIn, closes, advance: (ms: number) => (now += ms), now: () => now };
}

const failure = failureCode;

const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('sign-up and sign-in', () => {
  it('sends a code by SMS and signs up a new account with a masked default name', async () => {
    const t = setup();
    const sent = await t.auth.requestCode({ phone: '+1 (213) 373-4253' }, '10.0.0.1');
    expect(sent).toEqual({ identifier: PHONE, channel: 'sms', expiresAt: t.now() + 10 * 60_000 });
    expect(t.outbox).toEqual([{ channel: 'sms', to: PHONE, code: expect.stringMatching(/^[0-9]{6}$/), expiresAt: sent.expiresAt }]);
    const code = t.lastCode(PHONE);
    const stored = await t.store.auth.getCode(identifierKey({ kind: 'phone', value: PHONE }));
    expect(stored?.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.codeHash).not.toContain(code);

    const session = await t.auth.verifyCode({ phone: PHONE, code, device: { name: 'Pixel' } }, '10.0.0.1');
    expect(Value.Check(ROUTES.verifyCode.response, session)).toBe(true);
    expect(session).toMatchObject({ newAccount: true, account: { phone: PHONE, email: null, displayName: '+1 ••• 4253', about: '', avatar: null } });
    expect(session.account.id).toBe(session.accountId);
    expect(session.accessTokenExpiresAt).toBe(t.now() + t.config.auth.accessTokenTtlMs);
    expect(await t.auth.authenticate(session.accessToken)).toEqual({ accountId: session.accountId, deviceId: session.deviceId });
  });

  it('signs the same person in again to the same account, on a new device', async () => {
    const t = setup();
    const first = await t.signIn({ phone: PHONE }, 'phone');
    const second = await t.signIn({ phone: '+1 213-373-4253' }, 'laptop');
    expect(second.newAccount).toBe(false);
    expect(second.accountId).toBe(first.accountId);
    expect(second.deviceId).not.toBe(first.deviceId);
    expect((await t.auth.authenticate(first.accessToken)).deviceId).toBe(first.deviceId);
    expect((await t.auth.authenticate(second.accessToken)).deviceId).toBe(second.deviceId);
  });

  it('signs up by email, normalised, over the email channel', async () => {
    const t = setup();
    const sent = await t.auth.requestCode({ email: '  Alice@Example.COM ' }, '10.0.0.1');
    expect(sent.channel).toBe('email');
    expect(sent.identifier).toBe('alice@example.com');
    const session = await t.auth.verifyCode({ email: 'ALICE@example.com', code: t.lastCode('alice@example.com'), device: { name: 'web' } }, '10.0.0.1');
    expect(session.account).toMatchObject({ email: 'alice@example.com', phone: null, displayName: 'a••@example.com' });
  });

  it('rejects identifiers that are not valid', async () => {
    const t = setup();
    expect(await failure(t.auth.requestCode({ phone: '2133734253' }, '10.0.0.1'))).toBe('invalid_identifier');
    expect(await failure(t.auth.requestCode({ email: 'alice@localhost' }, '10.0.0.1'))).toBe('invalid_identifier');
    expect(t.outbox).toHaveLength(0);
  });

  it('forgets the code when it cannot be delivered', async () => {
    const t = setup({ codeSender: () => ({ send: () => Promise.reject(new AppError('code_delivery_failed')) }) });
    expect(await failure(t.auth.requestCode({ phone: PHONE }, '10.0.0.1'))).toBe('code_delivery_failed');
    expect(await t.store.auth.getCode(identifierKey({ kind: 'phone', value: PHONE }))).toBeNull();
  });
});

describe('codes', () => {
  it('a wrong code is code_invalid and the right one still works after it', async () => {
    const t = setup();
    await t.auth.requestCode({ phone: PHONE }, '10.0.0.1');
    const code = t.lastCode(PHONE);
    expect(await failure(t.auth.verifyCode({ phone: PHONE, code: wrong(code), device: { name: 'x' } }, '10.0.0.1'))).toBe('code_invalid');
    expect((await t.auth.verifyCode({ phone: PHONE, code, device: { name: 'x' } }, '10.0.0.1')).newAccount).toBe(true);
  });

  it('locks the code at the 5th wrong attempt: even the right code no longer works', async () => {
    const t = setup();
    await t.auth.requestCode({ phone: PHONE }, '10.0.0.1');
    const code = t.lastCode(PHONE);
    const attempt = (c: string) => failure(t.auth.verifyCode({ phone: PHONE, code: c, device: { name: 'x' } }, '10.0.0.1'));
    for (let i = 0; i < 4; i++) expect(await attempt(wrong(code))).toBe('code_invalid');
    expect(await attempt(wrong(code))).toBe('code_attempts_exceeded');
    expect(await attempt(code)).toBe('code_expired');
    // A new code starts over.
    await t.auth.requestCode({ phone: PHONE }, '10.0.0.1');
    expect((await t.auth.verifyCode({ phone: PHONE, code: t.lastCode(PHONE), device: { name: 'x' } }, '10.0.0.1')).newAccount).toBe(true);
  });

  it('expires after codeTtlMs, is single-use, and is replaced by a newer one', async () => {
    const t = setup();
    await t.auth.requestCode({ phone: PHONE }, '10.0.0.1');
    const expired = t.lastCode(PHONE);
    t.advance(10 * 60_000);
    expect(await failure(t.auth.verifyCode({ phone: PHONE, code: expired, device: { name: 'x' } }, '10.0.0.1'))).toBe('code_expired');

    await t.auth.requestCode({ phone: PHONE }, '10.0.0.1');
    const older = t.lastCode(PHONE);
    await t.auth.requestCode({ phone: PHONE }, '10.0.0.1');
    const newer = t.lastCode(PHONE);
    if (older !== newer) {
      expect(await failure(t.auth.verifyCode({ phone: PHONE, code: older, device: { name: 'x' } }, '10.0.0.1'))).toBe('code_invalid');
    }
    t.advance(10 * 60_000 - 1);
    await t.auth.verifyCode({ phone: PHONE, code: newer, device: { name: 'x' } }, '10.0.0.1');
    expect(await failure(t.auth.verifyCode({ phone: PHONE, code: newer, device: { name: 'x' } }, '10.0.0.1'))).toBe('code_expired');
  });

  it('never answers a code that was never requested', async () => {
    const t = setup();
    expect(await failure(t.auth.verifyCode({ phone: PHONE, code: '123456', device: { name: 'x' } }, '10.0.0.1'))).toBe('code_expired');
  });
});

describe('rate limits', () => {
  it('limits code requests per identifier (however it is spelled), with retryAfter', async () => {
    const t = setup({ config: { auth: { codePerIdentifier: { limit: 2, windowMs: 3600_000 } } } });
    await t.auth.requestCode({ phone: PHONE }, '10.0.0.1');
    await t.auth.requestCode({ phone: '+1 213 373 4253' }, '10.0.0.2');
    const err = await t.auth.requestCode({ phone: '+1 (213) 373-4253' }, '10.0.0.3').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'rate_limited' });
    expect((err as AppError).retryAfter).toBeGreaterThan(0);
    expect((err as AppError).retryAfter).toBeLessThanOrEqual(7200);
    await t.auth.requestCode({ phone: '+442079460958' }, '10.0.0.1'); // another number is not limited
    t.advance(2 * 3600_000);
    await t.auth.requestCode({ phone: PHONE }, '10.0.0.1');
    expect(t.outbox).toHaveLength(4);
  });

  it('limits code requests per IP', async () => {
    const t = setup({ config: { auth: { codePerIp: { limit: 3, windowMs: 3600_000 } } } });
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) await t.auth.requestCode({ email }, '10.0.0.1');
    expect(await failure(t.auth.requestCode({ email: 'd@example.com' }, '10.0.0.1'))).toBe('rate_limited');
    await t.auth.requestCode({ email: 'd@example.com' }, '10.0.0.2');
  });

  it('limits verify attempts per IP, even with the right code', async () => {
    const t = setup({ config: { auth: { verifyPerIp: { limit: 2, windowMs: 3600_000 } } } });
    await t.auth.requestCode({ phone: PHONE }, '10.0.0.1');
    const code = t.lastCode(PHONE);
    const verify = (c: string, ip: string) => t.auth.verifyCode({ phone: PHONE, code: c, device: { name: 'x' } }, ip);
    expect(await failure(verify(wrong(code), '10.0.0.1'))).toBe('code_invalid');
    expect(await failure(verify(wrong(code), '10.0.0.1'))).toBe('code_invalid');
    expect(await failure(verify(code, '10.0.0.1'))).toBe('rate_limited');
    expect((await verify(code, '10.0.0.9')).newAccount).toBe(true);
  });
});

describe('tokens', () => {
  it('rotates refresh tokens: the new pair works, the old access token does not', async () => {
    const t = setup();
    const session = await t.signIn({ phone: PHONE });
    t.advance(1000);
    const tokens = await t.auth.refresh(session.refreshToken);
    expect(Value.Check(ROUTES.refresh.response, tokens)).toBe(true);
    expect(tokens.accessToken).not.toBe(session.accessToken);
    expect(tokens.refreshToken).not.toBe(session.refreshToken);
    expect(await t.auth.authenticate(tokens.accessToken)).toEqual({ accountId: session.accountId, deviceId: session.deviceId });
    expect(await failure(t.auth.authenticate(session.accessToken))).toBe('unauthorized');
    const again = await t.auth.refresh(tokens.refreshToken);
    expect(await t.auth.authenticate(again.accessToken)).toEqual({ accountId: session.accountId, deviceId: session.deviceId });
  });

  it('a reused refresh token signs the device out and closes its sockets', async () => {
    const t = setup();
    const session = await t.signIn({ phone: PHONE }, 'phone');
    const other = await t.signIn({ phone: PHONE }, 'laptop');
    const stolen = session.refreshToken;
    const rotated = await t.auth.refresh(stolen); // the legitimate client
    expect(await failure(t.auth.refresh(stolen))).toBe('session_revoked'); // the thief (or vice versa)
    expect(await failure(t.auth.authenticate(rotated.accessToken))).toBe('session_revoked');
    expect(await failure(t.auth.refresh(rotated.refreshToken))).toBe('session_revoked');
    expect(t.closes()).toEqual([{ subject: `acct.${session.accountId}`, code: CLOSE.sessionRevoked, reason: expect.any(String), deviceId: session.deviceId }]);
    expect((await t.auth.authenticate(other.accessToken)).deviceId).toBe(other.deviceId); // other devices stay
  });

  it('refuses unknown, access and expired tokens as refresh tokens', async () => {
    const t = setup();
    const session = await t.signIn({ phone: PHONE });
    expect(await failure(t.auth.refresh('not-a-token'))).toBe('unauthorized');
    expect(await failure(t.auth.refresh(session.accessToken))).toBe('unauthorized');
    t.advance(t.config.auth.refreshTokenTtlMs);
    expect(await failure(t.auth.refresh(session.refreshToken))).toBe('unauthorized');
  });

  it('authenticate: unknown → unauthorized, expired → token_expired (then refresh works)', async () => {
    const t = setup();
    const session = await t.signIn({ phone: PHONE });
    expect(await failure(t.auth.authenticate(''))).toBe('unauthorized');
    expect(await failure(t.auth.authenticate('x'.repeat(43)))).toBe('unauthorized');
    expect(await failure(t.auth.authenticate(session.refreshToken))).toBe('unauthorized');
    t.advance(t.config.auth.accessTokenTtlMs - 1);
    await t.auth.authenticate(session.accessToken);
    t.advance(1);
    expect(await failure(t.auth.authenticate(session.accessToken))).toBe('token_expired');
    const tokens = await t.auth.refresh(session.refreshToken);
    expect((await t.auth.authenticate(tokens.accessToken)).deviceId).toBe(session.deviceId);
  });

  it('records device activity at most once a minute', async () => {
    const t = setup({ config: { auth: { accessTokenTtlMs: 3600_000 } } });
    const session = await t.signIn({ phone: PHONE });
    const signedInAt = t.now();
    const lastActive = async () => (await t.store.auth.listDevices(session.accountId))[0]?.lastActiveAt;
    t.advance(TOUCH_INTERVAL_MS - 1);
    await t.auth.authenticate(session.accessToken);
    expect(await lastActive()).toBe(signedInAt);
    t.advance(1);
    await t.auth.authenticate(session.accessToken);
    expect(await lastActive()).toBe(t.now());
  });

  it('logout signs out only this device and closes its sockets', async () => {
    const t = setup();
    const phone = await t.signIn({ phone: PHONE }, 'phone');
    const laptop = await t.signIn({ phone: PHONE }, 'laptop');
    const routes = authRoutes(t.auth);
    await routes.logout({ auth: { accountId: phone.accountId, deviceId: phone.deviceId }, ip: '10.0.0.1' }, { params: undefined, query: undefined, body: undefined });
    expect(await failure(t.auth.authenticate(phone.accessToken))).toBe('session_revoked');
    expect(await failure(t.auth.refresh(phone.refreshToken))).toBe('session_revoked');
    expect((await t.auth.authenticate(laptop.accessToken)).deviceId).toBe(laptop.deviceId);
    expect(t.closes()).toEqual([{ subject: `acct.${phone.accountId}`, code: CLOSE.sessionRevoked, reason: expect.any(String), deviceId: phone.deviceId }]);
  });
});

describe('logs', () => {
  it('never contain a code or a full identifier, except the dev outbox line', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'ottr-auth-logs-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    // The dev sender logs through the same logger as the service, as in the real server.
    const t = setup({ codeSender: ({ logger }) => new DevCodeSender({ logger, dataDir }) });
    const { auth } = t;

    // The answer tells the client the code stayed on this machine.
    expect(await auth.requestCode({ phone: PHONE }, '10.0.0.1')).toMatchObject({ channel: 'sms', devOutbox: true });
    const code = (await readFile(path.join(dataDir, 'dev-outbox.log'), 'utf8')).trim().split('\t')[3]!;
    for (let i = 0; i < 5; i++) await auth.verifyCode({ phone: PHONE, code: wrong(code), device: { name: 'x' } }, '10.0.0.1').catch(() => undefined);
    await auth.requestCode({ phone: PHONE }, '10.0.0.1');
    const code2 = (await readFile(path.join(dataDir, 'dev-outbox.log'), 'utf8')).trim().split('\n')[1]!.split('\t')[3]!;
    const session = await auth.verifyCode({ phone: PHONE, code: code2, device: { name: 'x' } }, '10.0.0.1');
    const tokens = await auth.refresh(session.refreshToken);
    await auth.refresh(session.refreshToken).catch(() => undefined);

    const lines = t.logLines.map((l) => JSON.parse(l) as { msg: string });
    expect(lines.length).toBeGreaterThan(4);
    const outboxLines = lines.filter((l) => l.msg === 'code sent');
    expect(outboxLines).toHaveLength(2);
    const others = t.logLines.filter((_, i) => lines[i]?.msg !== 'code sent');
    for (const secret of [code, code2, session.accessToken, session.refreshToken, tokens.accessToken, tokens.refreshToken, PHONE]) {
      for (const line of others) expect(line).not.toContain(secret);
    }
    for (const line of t.logLines) expect(line).not.toContain(PHONE);
  });
});

import { CLOSE, ROUTES, type AccountId, type DeviceId, type Identifier } from '@ottr/protocol';
import { createSqliteStore } from '@ottr/store-sqlite';
import { Value } from '@sinclair/typebox/value';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../adapters/memory-bus.js';
import { MemoryRateLimiter } from '../../adapters/memory-rate-limiter.js';
import { UlidGenerator } from '../../adapters/system-clock.js';
import { resolveServerConfig } from '../../config.js';
import type { AuthContext } from '../../handlers.js';
import type { BusMessage, OutgoingCode } from '../../ports/index.js';
import { AuthService } from '../auth/index.js';
import { Delivery } from '../delivery/index.js';
import { AccountsService, accountRoutes } from './index.js';
import { failureCode } from '../../testing/index.js';

class RecordingBus extends MemoryBus {
  readonly published: { subject: string; message: BusMessage }[] = [];
  override publish(subject: string, message: BusMessage): void {
    this.published.push({ subject, message });
    super.publish(subject, message);
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup(options: { config?: Record<string, unknown>; onAccountDeleted?: (id: AccountId) => Promise<void> } = {}) {
  let now = Date.UTC(2030, 0, 1);
  const clock = { now: () => now };
  const store = createSqliteStore({ path: ':memory:' });
  cleanups.push(() => store.close());
  const bus = new RecordingBus();
  const delivery = new Delivery(bus);
  const logger = pino({ level: 'silent' });
  const config = resolveServerConfig(options.config ?? {});
  const rateLimiter = new MemoryRateLimiter({ clock });
  const outbox: OutgoingCode[] = [];
  const auth = new AuthService({
    store, clock, ids: new UlidGenerator(clock), codeSender: { send: async (m) => void outbox.push(m) }, rateLimiter,
    delivery, config, logger, secret: 'test-secret-0123456789',
  });
  const deleted: AccountId[] = [];
  const accounts = new AccountsService({
    store, clock, delivery, rateLimiter, config, logger,
    onAccountDeleted: options.onAccountDeleted ?? (async (id) => void deleted.push(id)),
  });
  let ip = 0;
  const signIn = async (id: Identifier, device = 'phone') => {
    const from = `10.0.0.${++ip}`;
    const sent = await auth.requestCode(id, from);
    const code = outbox.filter((m) => m.to === sent.identifier).at(-1)!.code;
    const session = await auth.verifyCode({ ...id, code, device: { name: device, platform: 'test' } }, from);
    const ctx: AuthContext = { accountId: session.accountId, deviceId: session.deviceId };
    return { ...session, ctx };
  };
  const closes = () => bus.published.filter((p) => p.message.close).map((p) => ({ subject: p.subject, ...p.message.close }));
  return { auth, accounts, store, signIn, deleted, closes, advance: (ms: number) => (now += ms) };
}

const failure = failureCode;

const UNKNOWN_ACCOUNT = 'acc_01J00000000000000000000000' as AccountId;
const UNKNOWN_DEVICE = 'dev_01J00000000000000000000000' as DeviceId;
const none = { params: undefined, query: undefined, body: undefined };

describe('your account', () => {
  it('changes the profile and presence privacy', async () => {
    const t = setup();
    const alice = await t.signIn({ phone: '+12133734253' });
    const routes = accountRoutes(t.accounts);
    const req = { auth: alice.ctx, ip: '10.0.0.1' };
    const updated = await routes.updateMe(req, { ...none, body: { displayName: '  Alice  ', about: 'hi', avatar: 'med_x', presencePrivacy: 'nobody' } });
    expect(Value.Check(ROUTES.updateMe.response, updated)).toBe(true);
    expect(updated).toMatchObject({ id: alice.accountId, phone: '+12133734253', displayName: 'Alice', about: 'hi', avatar: 'med_x', presencePrivacy: 'nobody' });
    await t.accounts.updateMe(alice.ctx, { avatar: null });
    const me = await routes.getMe(req, none);
    expect(Value.Check(ROUTES.getMe.response, me)).toBe(true);
    expect(me).toMatchObject({ displayName: 'Alice', about: 'hi', avatar: null, presencePrivacy: 'nobody' });
    expect(await failure(t.accounts.updateMe(alice.ctx, { displayName: '   ' }))).toBe('bad_request');
  });

  it("shows others' public profiles; unknown ids are not_found", async () => {
    const t = setup();
    const alice = await t.signIn({ phone: '+12133734253' });
    const bob = await t.signIn({ email: 'bob@example.com' });
    await t.accounts.updateMe(bob.ctx, { displayName: 'Bob', about: 'about bob' });
    const profile = await accountRoutes(t.accounts).getProfile({ auth: alice.ctx, ip: '' }, { ...none, params: { accountId: bob.accountId } });
    expect(Value.Check(ROUTES.getProfile.response, profile)).toBe(true);
    expect(profile).toEqual({ id: bob.accountId, displayName: 'Bob', about: 'about bob', avatar: null, deleted: false });
    expect(await failure(t.accounts.getProfile(UNKNOWN_ACCOUNT))).toBe('not_found');
  });
});

describe('lookup', () => {
  it('matches exact identifiers only, after normalisation, in the order asked', async () => {
    const t = setup();
    const me = await t.signIn({ email: 'me@example.com' });
    const alice = await t.signIn({ phone: '+12133734253' });
    const bob = await t.signIn({ email: 'bob@example.com' });
    const carol = await t.signIn({ phone: '+442079460958' });
    const result = await t.accounts.lookup(me.ctx, {
      phones: ['+44 20 7946 0958', '+1213373', '2133734253', '+1 (213) 373-4253', 'junk', '+12133734254'],
      emails: ['BOB@Example.com', 'bob@example', 'bob@example.co', 'ob@example.com', ' bob@example.com '],
    });
    expect(Value.Check(ROUTES.lookup.response, result)).toBe(true);
    expect(result.matches.map((m) => [m.query, m.profile.id])).toEqual([
      ['+44 20 7946 0958', carol.accountId],
      ['+1 (213) 373-4253', alice.accountId],
      ['BOB@Example.com', bob.accountId],
      [' bob@example.com ', bob.accountId],
    ]);
    expect(result.matches[1]?.profile).toEqual({ id: alice.accountId, displayName: '+1 ••• 4253', about: '', avatar: null, deleted: false });
  });

  it('is rate limited per account', async () => {
    const t = setup({ config: { limits: { lookupsPerAccount: { limit: 2, windowMs: 3600_000 } } } });
    const me = await t.signIn({ email: 'me@example.com' });
    const other = await t.signIn({ email: 'other@example.com' });
    await t.accounts.lookup(me.ctx, { emails: ['x@example.com'] });
    await t.accounts.lookup(me.ctx, { emails: ['x@example.com'] });
    const err = await t.accounts.lookup(me.ctx, { emails: ['x@example.com'] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'rate_limited', retryAfter: expect.any(Number) });
    await t.accounts.lookup(other.ctx, { emails: ['x@example.com'] });
  });
});

describe('devices', () => {
  it('lists live devices, marking the current one', async () => {
    const t = setup();
    const phone = await t.signIn({ phone: '+12133734253' }, 'phone');
    const laptop = await t.signIn({ phone: '+12133734253' }, 'laptop');
    const list = await accountRoutes(t.accounts).listDevices({ auth: laptop.ctx, ip: '' }, none);
    expect(Value.Check(ROUTES.listDevices.response, list)).toBe(true);
    expect(list.items.map((d) => [d.id, d.name, d.platform, d.current])).toEqual([
      [phone.deviceId, 'phone', 'test', false],
      [laptop.deviceId, 'laptop', 'test', true],
    ]);
  });

  it('revokes another device: its tokens stop working and its sockets are closed', async () => {
    const t = setup();
    const phone = await t.signIn({ phone: '+12133734253' }, 'phone');
    const laptop = await t.signIn({ phone: '+12133734253' }, 'laptop');
    await t.accounts.revokeDevice(phone.ctx, laptop.deviceId);
    expect(await failure(t.auth.authenticate(laptop.accessToken))).toBe('session_revoked');
    expect(await failure(t.auth.refresh(laptop.refreshToken))).toBe('session_revoked');
    expect(await t.auth.authenticate(phone.accessToken)).toEqual(phone.ctx);
    expect(t.closes()).toEqual([{ subject: `acct.${phone.accountId}`, code: CLOSE.sessionRevoked, reason: expect.any(String), deviceId: laptop.deviceId }]);
    expect((await t.accounts.listDevices(phone.ctx)).map((d) => d.id)).toEqual([phone.deviceId]);
    expect(await failure(t.accounts.revokeDevice(phone.ctx, laptop.deviceId))).toBe('not_found'); // already gone
  });

  it("cannot revoke someone else's or an unknown device", async () => {
    const t = setup();
    const alice = await t.signIn({ phone: '+12133734253' });
    const bob = await t.signIn({ phone: '+442079460958' });
    expect(await failure(t.accounts.revokeDevice(alice.ctx, bob.deviceId))).toBe('not_found');
    expect(await failure(t.accounts.revokeDevice(alice.ctx, UNKNOWN_DEVICE))).toBe('not_found');
    expect(await t.auth.authenticate(bob.accessToken)).toEqual(bob.ctx);
    expect(t.closes()).toEqual([]);
  });
});

describe('blocks', () => {
  it('blocks and unblocks (idempotently); not yourself, not unknown accounts', async () => {
    const t = setup();
    const alice = await t.signIn({ phone: '+12133734253' });
    const bob = await t.signIn({ phone: '+442079460958' });
    const routes = accountRoutes(t.accounts);
    await routes.block({ auth: alice.ctx, ip: '' }, { ...none, params: { accountId: bob.accountId } });
    await t.accounts.block(alice.ctx, bob.accountId);
    const list = await routes.listBlocks({ auth: alice.ctx, ip: '' }, none);
    expect(Value.Check(ROUTES.listBlocks.response, list)).toBe(true);
    expect(list.items).toEqual([bob.accountId]);
    expect(await t.store.accounts.isBlockedEitherWay(bob.accountId, alice.accountId)).toBe(true);
    expect(await t.accounts.listBlocks(bob.ctx)).toEqual([]);

    expect(await failure(t.accounts.block(alice.ctx, alice.accountId))).toBe('bad_request');
    expect(await failure(t.accounts.block(alice.ctx, UNKNOWN_ACCOUNT))).toBe('not_found');
    expect(await failure(t.accounts.unblock(alice.ctx, UNKNOWN_ACCOUNT))).toBe('not_found');

    await t.accounts.unblock(alice.ctx, bob.accountId);
    await t.accounts.unblock(alice.ctx, bob.accountId);
    expect(await t.accounts.listBlocks(alice.ctx)).toEqual([]);
    expect(await t.store.accounts.isBlockedEitherWay(alice.accountId, bob.accountId)).toBe(false);
  });
});

describe('deleting your account', () => {
  it('leaves conversations, signs out every device, hides the account, and frees the identifier', async () => {
    const t = setup();
    const phone = await t.signIn({ phone: '+12133734253' }, 'phone');
    const laptop = await t.signIn({ phone: '+12133734253' }, 'laptop');
    const bob = await t.signIn({ email: 'bob@example.com' });
    await t.accounts.updateMe(phone.ctx, { displayName: 'Alice', about: 'secret about' });
    await t.accounts.block(phone.ctx, bob.accountId);

    await accountRoutes(t.accounts).deleteMe({ auth: phone.ctx, ip: '' }, none);

    expect(t.deleted).toEqual([phone.accountId]);
    expect(t.closes()).toEqual([{ subject: `acct.${phone.accountId}`, code: CLOSE.accountDeleted, reason: expect.any(String) }]);
    for (const s of [phone, laptop]) {
      expect(await failure(t.auth.authenticate(s.accessToken))).toBe('unauthorized');
      expect(await failure(t.auth.refresh(s.refreshToken))).toBe('unauthorized');
    }
    const profile = await t.accounts.getProfile(phone.accountId);
    expect(profile).toMatchObject({ id: phone.accountId, deleted: true, about: '', avatar: null });
    expect(profile.displayName).not.toBe('Alice');
    expect((await t.accounts.lookup(bob.ctx, { phones: ['+12133734253'] })).matches).toEqual([]);
    expect(await failure(t.accounts.block(bob.ctx, phone.accountId))).toBe('not_found');

    const again = await t.signIn({ phone: '+12133734253' });
    expect(again.newAccount).toBe(true);
    expect(again.accountId).not.toBe(phone.accountId);
    expect(again.account).toMatchObject({ displayName: '+1 ••• 4253', about: '' });
    expect((await t.accounts.lookup(bob.ctx, { phones: ['+12133734253'] })).matches.map((m) => m.profile.id)).toEqual([again.accountId]);
  });

  it('keeps the account when leaving conversations fails, so it can be retried', async () => {
    const t = setup({ onAccountDeleted: () => Promise.reject(new Error('conversations unavailable')) });
    const alice = await t.signIn({ phone: '+12133734253' });
    await expect(t.accounts.deleteMe(alice.ctx)).rejects.toThrow('conversations unavailable');
    expect(await t.auth.authenticate(alice.accessToken)).toEqual(alice.ctx);
    expect((await t.accounts.getMe(alice.ctx)).phone).toBe('+12133734253');
    expect(t.closes()).toEqual([]);
  });
});

import { CLOSE, ROUTES, type AccountId, type Identifier } from '@ottr/protocol';
import { createSqliteStore } from '@ottr/store-sqlite';
import { Value } from '@sinclair/typebox/value';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../adapters/memory-bus.js';
import { MemoryRateLimiter } from '../../adapters/memory-rate-limiter.js';
import { UlidGenerator } from '../../adapters/system-clock.js';
import { resolveServerConfig } from '../../config.js';
import type { BusMessage, OutgoingCode } from '../../ports/index.js';
import { failureCode } from '../../testing/index.js';
import { AccountsService } from '../accounts/index.js';
import { AuthService } from '../auth/index.js';
import { ConversationsService } from '../conversations/index.js';
import { Delivery } from '../delivery/index.js';
import { AdminService, adminRoutes } from './index.js';

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

function setup() {
  let now = Date.UTC(2030, 0, 1);
  const clock = { now: () => now };
  const store = createSqliteStore({ path: ':memory:' });
  cleanups.push(() => store.close());
  const bus = new RecordingBus();
  const delivery = new Delivery(bus);
  const logger = pino({ level: 'silent' });
  const config = resolveServerConfig({});
  const ids = new UlidGenerator(clock);
  const rateLimiter = new MemoryRateLimiter({ clock });
  const outbox: OutgoingCode[] = [];
  const auth = new AuthService({
    store, clock, ids, codeSender: { send: async (m) => void outbox.push(m) }, rateLimiter, delivery, config, logger, secret: 'test-secret-0123456789',
  });
  const conversations = new ConversationsService({ store, ids, clock, delivery, config });
  const accounts = new AccountsService({ store, clock, delivery, rateLimiter, config, logger, onAccountDeleted: (id) => conversations.leaveAll(id) });
  const admin = new AdminService({ store, clock, delivery, auth, accounts, logger });
  let ip = 0;
  const requestCode = (id: Identifier) => auth.requestCode(id, `10.0.0.${++ip}`);
  const verify = async (id: Identifier, device = 'phone') => {
    const code = outbox.filter((m) => m.to === ('phone' in id ? id.phone : id.email)).at(-1)!.code;
    return auth.verifyCode({ ...id, code, device: { name: device, platform: 'test' } }, `10.0.1.${++ip}`);
  };
  const signIn = async (id: Identifier, device = 'phone') => {
    await requestCode(id);
    return verify(id, device);
  };
  const closes = () => bus.published.filter((p) => p.message.close).map((p) => ({ subject: p.subject, ...p.message.close }));
  return { admin, routes: adminRoutes(admin), auth, accounts, conversations, store, signIn, requestCode, verify, closes, advance: (ms: number) => (now += ms) };
}

const ctx = { auth: null, ip: '127.0.0.1', admin: true } as const;
const none = { params: undefined, query: undefined, body: undefined };
const UNKNOWN = 'acc_01J00000000000000000000000' as AccountId;

describe('listing accounts', () => {
  it('lists every account newest first, in pages, with its devices and state', async () => {
    const t = setup();
    const ada = await t.signIn({ email: 'ada@example.com' }, 'phone');
    await t.signIn({ email: 'ada@example.com' }, 'laptop');
    t.advance(1000);
    const ben = await t.signIn({ phone: '+12133734253' });
    t.advance(1000);
    const cara = await t.signIn({ email: 'cara@example.com' });
    await t.admin.suspend(ben.accountId);
    await t.accounts.deleteMe({ accountId: cara.accountId, deviceId: cara.deviceId });

    const first = await t.routes.adminListAccounts(ctx, { ...none, query: { limit: 2 } });
    expect(Value.Check(ROUTES.adminListAccounts.response, first)).toBe(true);
    expect(first.items.map((a) => a.id)).toEqual([cara.accountId, ben.accountId]);
    expect(first.items[0]).toMatchObject({ email: null, displayName: 'Deleted account', deletedAt: expect.any(Number), devices: 0 });
    expect(first.items[1]).toMatchObject({ phone: '+12133734253', suspendedAt: expect.any(Number), deletedAt: null, devices: 1 });
    const second = await t.admin.listAccounts({ limit: 2, cursor: first.next! });
    expect(second.items).toEqual([
      { id: ada.accountId, phone: null, email: 'ada@example.com', displayName: ada.account.displayName, createdAt: ada.account.createdAt, lastSeenAt: null, suspendedAt: null, deletedAt: null, devices: 2 },
    ]);
    expect(second.next).toBeNull();
    expect((await t.admin.listAccounts()).items).toHaveLength(3);
    expect(await failureCode(t.admin.listAccounts({ cursor: 'bogus' }))).toBe('invalid_cursor');
  });

  it('q finds one account by exact id, or by phone or email normalised as at sign-in; anything else is invalid_identifier', async () => {
    const t = setup();
    const ada = await t.signIn({ email: 'ada@example.com' });
    const ben = await t.signIn({ phone: '+12133734253' });
    const find = async (q: string) => (await t.admin.listAccounts({ q })).items.map((a) => a.id);
    expect(await find(ada.accountId)).toEqual([ada.accountId]);
    expect(await find(' ADA@Example.com ')).toEqual([ada.accountId]);
    expect(await find('+1 (213) 373-4253')).toEqual([ben.accountId]);
    expect(await find('nobody@example.com')).toEqual([]);
    expect(await find(UNKNOWN)).toEqual([]);
    for (const q of ['ada', '2133734253', 'acc_short', '@example.com']) expect(await failureCode(t.admin.listAccounts({ q })), q).toBe('invalid_identifier');
  });
});

describe('creating accounts', () => {
  it('creates an account without a code; its owner later signs in to it (newAccount false)', async () => {
    const t = setup();
    const created = await t.routes.adminCreateAccount(ctx, { ...none, body: { email: ' Dora@Example.com', displayName: '  Dora ' } });
    expect(Value.Check(ROUTES.adminCreateAccount.response, created)).toBe(true);
    expect(created).toMatchObject({ email: 'dora@example.com', phone: null, displayName: 'Dora', suspendedAt: null, deletedAt: null, devices: 0 });
    const byPhone = await t.admin.createAccount({ phone: '+44 20 7946 0958' });
    expect(byPhone).toMatchObject({ phone: '+442079460958', displayName: '+44 ••• 0958' });

    const session = await t.signIn({ email: 'dora@example.com' });
    expect(session).toMatchObject({ newAccount: false, accountId: created.id, account: { displayName: 'Dora' } });
    expect((await t.admin.listAccounts({ q: created.id })).items[0]?.devices).toBe(1);
  });

  it('answers conflict for a taken identifier, invalid_identifier and bad_request for bad input', async () => {
    const t = setup();
    await t.signIn({ email: 'ada@example.com' });
    expect(await failureCode(t.admin.createAccount({ email: 'ADA@example.com' }))).toBe('conflict');
    expect(await failureCode(t.admin.createAccount({ phone: '2133734253' }))).toBe('invalid_identifier');
    expect(await failureCode(t.admin.createAccount({ email: 'new@example.com', displayName: '   ' }))).toBe('bad_request');
    expect((await t.admin.listAccounts()).items).toHaveLength(1);
  });
});

describe('signing a device in without a code', () => {
  it('gives the session sign-in by code gives: tokens authenticate and refresh, the device is listed and can be revoked', async () => {
    const t = setup();
    const made = await t.admin.createAccount({ email: 'bot@example.com', displayName: 'Bot' });
    const session = await t.routes.adminCreateSession(ctx, { ...none, params: { accountId: made.id }, body: { device: { name: 'load-bot', platform: 'bench' } } });
    expect(Value.Check(ROUTES.adminCreateSession.response, session)).toBe(true);
    expect(session).toMatchObject({ accountId: made.id, newAccount: false, account: { id: made.id, email: 'bot@example.com', displayName: 'Bot' } });
    expect(session.accessToken).not.toBe(session.refreshToken);

    const device = { accountId: made.id, deviceId: session.deviceId };
    expect(await t.auth.authenticate(session.accessToken)).toEqual(device);
    expect(await t.accounts.listDevices(device)).toEqual([
      { id: session.deviceId, name: 'load-bot', platform: 'bench', createdAt: expect.any(Number), lastActiveAt: expect.any(Number), current: true },
    ]);
    expect((await t.admin.listAccounts({ q: made.id })).items[0]?.devices).toBe(1);

    const rotated = await t.auth.refresh(session.refreshToken);
    expect(await t.auth.authenticate(rotated.accessToken)).toEqual(device);
    expect(await failureCode(t.auth.authenticate(session.accessToken))).toBe('unauthorized');

    // A second one is another device of the same account; the owner can sign the first out.
    const second = await t.admin.createSession(made.id, { device: { name: 'load-bot-2' } });
    expect(second.deviceId).not.toBe(session.deviceId);
    await t.accounts.revokeDevice({ accountId: made.id, deviceId: second.deviceId }, session.deviceId);
    expect(await failureCode(t.auth.authenticate(rotated.accessToken))).toBe('session_revoked');
    expect(await t.auth.authenticate(second.accessToken)).toEqual({ accountId: made.id, deviceId: second.deviceId });
    expect((await t.accounts.listDevices({ accountId: made.id, deviceId: second.deviceId })).map((d) => [d.name, d.platform])).toEqual([['load-bot-2', '']]);
  });

  it('is not rate-limited like sign-in by code (provisioning many devices)', async () => {
    const t = setup();
    const made = await t.admin.createAccount({ phone: '+12133734253' });
    const limit = resolveServerConfig({}).auth.verifyPerIp.limit;
    const sessions = [];
    for (let i = 0; i <= limit; i++) sessions.push(await t.admin.createSession(made.id, { device: { name: `bot ${i}` } }));
    expect(new Set(sessions.map((s) => s.deviceId)).size).toBe(limit + 1);
    expect((await t.admin.listAccounts({ q: made.id })).items[0]?.devices).toBe(limit + 1);
  });

  it('answers not_found for unknown and deleted accounts and account_suspended while suspended, creating no device', async () => {
    const t = setup();
    const ada = await t.signIn({ email: 'ada@example.com' });
    const ben = await t.signIn({ email: 'ben@example.com' });
    await t.admin.deleteAccount(ben.accountId);
    const body = { device: { name: 'bot' } };
    expect(await failureCode(t.admin.createSession(UNKNOWN, body))).toBe('not_found');
    expect(await failureCode(t.admin.createSession(ben.accountId, body))).toBe('not_found');

    await t.admin.suspend(ada.accountId);
    expect(await failureCode(t.admin.createSession(ada.accountId, body))).toBe('account_suspended');
    expect((await t.admin.listAccounts({ q: ada.accountId })).items[0]?.devices).toBe(1);
    await t.admin.unsuspend(ada.accountId);
    const session = await t.admin.createSession(ada.accountId, body);
    expect(await t.auth.authenticate(session.accessToken)).toEqual({ accountId: ada.accountId, deviceId: session.deviceId });
  });
});

describe('suspending accounts', () => {
  it('closes every socket with 4204; tokens, refresh and sign-in by code answer account_suspended; unsuspend restores', async () => {
    const t = setup();
    await t.signIn({ email: 'ada@example.com' }, 'phone');
    const laptop = await t.signIn({ email: 'ada@example.com' }, 'laptop');
    const ben = await t.signIn({ email: 'ben@example.com' });
    await t.requestCode({ email: 'ada@example.com' }); // pending when the suspension comes

    const suspended = await t.routes.adminSuspendAccount(ctx, { ...none, params: { accountId: laptop.accountId } });
    expect(Value.Check(ROUTES.adminSuspendAccount.response, suspended)).toBe(true);
    expect(suspended).toMatchObject({ id: laptop.accountId, suspendedAt: expect.any(Number), devices: 2 });
    expect(t.closes()).toEqual([{ subject: `acct.${laptop.accountId}`, code: CLOSE.accountSuspended, reason: 'account suspended' }]);
    expect(await failureCode(t.auth.authenticate(laptop.accessToken))).toBe('account_suspended');
    expect(await failureCode(t.auth.refresh(laptop.refreshToken))).toBe('account_suspended');
    expect(await failureCode(t.verify({ email: 'ada@example.com' }))).toBe('account_suspended');
    expect(await failureCode(t.requestCode({ email: 'ADA@example.com' }))).toBe('account_suspended');
    t.advance(16 * 60_000); // the access token expired meanwhile: still account_suspended, so the client stops
    expect(await failureCode(t.auth.authenticate(laptop.accessToken))).toBe('account_suspended');
    // Other accounts are unaffected.
    expect(await t.auth.authenticate((await t.auth.refresh(ben.refreshToken)).accessToken)).toEqual({ accountId: ben.accountId, deviceId: ben.deviceId });

    // Suspending again changes nothing but closes any socket that slipped through.
    t.advance(1000);
    expect((await t.admin.suspend(laptop.accountId)).suspendedAt).toBe(suspended.suspendedAt);

    const lifted = await t.routes.adminUnsuspendAccount(ctx, { ...none, params: { accountId: laptop.accountId } });
    expect(lifted).toMatchObject({ suspendedAt: null, devices: 2 });
    const tokens = await t.auth.refresh(laptop.refreshToken);
    expect(await t.auth.authenticate(tokens.accessToken)).toEqual({ accountId: laptop.accountId, deviceId: laptop.deviceId });
    expect((await t.signIn({ email: 'ada@example.com' }, 'tablet')).accountId).toBe(laptop.accountId);
    expect((await t.admin.unsuspend(laptop.accountId)).suspendedAt).toBeNull();
  });

  it('unknown and deleted accounts are not_found', async () => {
    const t = setup();
    const ada = await t.signIn({ email: 'ada@example.com' });
    await t.admin.deleteAccount(ada.accountId);
    for (const id of [UNKNOWN, ada.accountId]) {
      expect(await failureCode(t.admin.suspend(id))).toBe('not_found');
      expect(await failureCode(t.admin.unsuspend(id))).toBe('not_found');
    }
  });
});

describe('deleting accounts', () => {
  it('deletes as DELETE /v1/me does: leaves conversations, signs out every device (4201), frees the identifier', async () => {
    const t = setup();
    const ada = await t.signIn({ email: 'ada@example.com' });
    const ben = await t.signIn({ email: 'ben@example.com' });
    const group = await t.conversations.create(ben.accountId, { kind: 'group', title: 'Team', members: [ada.accountId] });
    expect(group.conversation.memberCount).toBe(2);

    await t.routes.adminDeleteAccount(ctx, { ...none, params: { accountId: ada.accountId } });
    expect(t.closes()).toEqual([{ subject: `acct.${ada.accountId}`, code: CLOSE.accountDeleted, reason: expect.any(String) }]);
    expect(await failureCode(t.auth.authenticate(ada.accessToken))).toBe('unauthorized');
    expect((await t.conversations.get(ben.accountId, group.conversation.id)).conversation.memberCount).toBe(1);
    expect((await t.admin.listAccounts({ q: ada.accountId })).items[0]).toMatchObject({ email: null, deletedAt: expect.any(Number), devices: 0 });
    expect((await t.signIn({ email: 'ada@example.com' })).newAccount).toBe(true);
    expect(await failureCode(t.admin.deleteAccount(ada.accountId))).toBe('not_found');
    expect(await failureCode(t.admin.deleteAccount(UNKNOWN))).toBe('not_found');
  });
});

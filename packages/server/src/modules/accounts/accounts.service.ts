import { CLOSE } from '@ottr/protocol';
import type { Account, AccountId, Device, DeviceId, Profile, ProfilePatch, RouteInput, RouteOutput } from '@ottr/protocol';
import type { Logger } from 'pino';
import type { ServerConfig } from '../../config.js';
import { AppError } from '../../errors/index.js';
import type { AuthContext } from '../../handlers.js';
import type { AccountPatch, AccountRecord, Clock, RateLimiter, Store } from '../../ports/index.js';
import { accountOf, enforceRateLimit, tryNormaliseEmail, tryNormalisePhone } from '../auth/index.js';
import type { Delivery } from '../delivery/index.js';

export type LookupRequest = RouteInput<'lookup'>['body'];
export type LookupResult = RouteOutput<'lookup'>;

export interface AccountsServiceDeps {
  store: Store;
  clock: Clock;
  delivery: Delivery;
  rateLimiter: RateLimiter;
  config: Pick<ServerConfig, 'limits'>;
  logger: Logger;
  /**
   * Makes a deleted account leave every conversation (supplied by the conversations module).
   * Called before the account is marked deleted, so a failure leaves it intact and retryable.
   */
  onAccountDeleted: (accountId: AccountId) => Promise<void>;
}

/** Shown instead of the name of a deleted account. */
export const DELETED_ACCOUNT_NAME = 'Deleted account';

/** What others see of an account; a deleted account keeps its id and shows nothing else. */
export function profileOf(record: AccountRecord): Profile {
  if (record.deletedAt !== null) return { id: record.id, displayName: DELETED_ACCOUNT_NAME, about: '', avatar: null, deleted: true };
  return { id: record.id, displayName: record.displayName, about: record.about, avatar: record.avatar, deleted: false };
}

/** Your account, your profile, your devices and your blocks; others' profiles and lookup by identifier. */
export class AccountsService {
  private readonly log: Logger;

  constructor(private readonly deps: AccountsServiceDeps) {
    this.log = deps.logger.child({ module: 'accounts' });
  }

  async getMe(auth: AuthContext): Promise<Account> {
    return accountOf(await this.liveAccount(auth.accountId));
  }

  /** Changes profile fields and presence privacy. A display name is trimmed and may not be blank. */
  async updateMe(auth: AuthContext, patch: ProfilePatch): Promise<Account> {
    const next: AccountPatch = {};
    if (patch.displayName !== undefined) {
      const name = patch.displayName.trim();
      if (name.length === 0) throw new AppError('bad_request', 'The display name may not be blank');
      next.displayName = name;
    }
    if (patch.about !== undefined) next.about = patch.about;
    if (patch.avatar !== undefined) next.avatar = patch.avatar;
    if (patch.presencePrivacy !== undefined) next.presencePrivacy = patch.presencePrivacy;
    return accountOf(await this.deps.store.accounts.update(auth.accountId, next));
  }

  /** Deletes your account (see deleteAccount). */
  deleteMe(auth: AuthContext): Promise<void> {
    return this.deleteAccount(auth.accountId);
  }

  /**
   * Deletes the account: it leaves every conversation, then its identifiers and profile are
   * erased and every device is signed out (their sockets are closed). Signing up again with the
   * same phone or email creates a new account. `not_found` for unknown or deleted accounts.
   * (DELETE /v1/me, and operators through the admin API.)
   */
  async deleteAccount(accountId: AccountId): Promise<void> {
    await this.liveAccount(accountId);
    await this.deps.onAccountDeleted(accountId);
    await this.deps.store.accounts.markDeleted(accountId, this.deps.clock.now());
    this.deps.delivery.closeAccount(accountId, CLOSE.accountDeleted, 'account deleted');
    this.log.info({ accountId }, 'account deleted');
  }

  /** Anyone's public profile; deleted accounts show `deleted: true`. */
  async getProfile(accountId: AccountId): Promise<Profile> {
    const record = await this.deps.store.accounts.get(accountId);
    if (record === null) throw new AppError('not_found', 'No such account');
    return profileOf(record);
  }

  /**
   * Registered accounts by exact phone numbers and email addresses, in the order asked (phones,
   * then emails). Entries are normalised first (so `+1 (213) 373-4253` finds `+12133734253`);
   * entries that are not valid identifiers, and deleted accounts, never match. One request
   * counts once against `limits.lookupsPerAccount`.
   */
  async lookup(auth: AuthContext, request: LookupRequest): Promise<LookupResult> {
    await enforceRateLimit(this.deps.rateLimiter, `accounts:lookup:${auth.accountId}`, this.deps.config.limits.lookupsPerAccount);
    const asked = [
      ...(request.phones ?? []).map((query) => ({ query, kind: 'phone' as const, value: tryNormalisePhone(query) })),
      ...(request.emails ?? []).map((query) => ({ query, kind: 'email' as const, value: tryNormaliseEmail(query) })),
    ];
    const found = new Map<string, AccountRecord | null>();
    const matches: LookupResult['matches'] = [];
    for (const { query, kind, value } of asked) {
      if (value === null) continue;
      const key = `${kind}:${value}`;
      if (!found.has(key)) found.set(key, await this.deps.store.accounts.findByIdentifier(kind, value));
      const record = found.get(key);
      if (record && record.deletedAt === null) matches.push({ query, profile: profileOf(record) });
    }
    return { matches };
  }

  /** Your signed-in devices, the one asking marked `current`. */
  async listDevices(auth: AuthContext): Promise<Device[]> {
    const devices = await this.deps.store.auth.listDevices(auth.accountId);
    return devices
      .filter((d) => d.revokedAt === null)
      .map((d) => ({ id: d.id, name: d.name, platform: d.platform, createdAt: d.createdAt, lastActiveAt: d.lastActiveAt, current: d.id === auth.deviceId }));
  }

  /** Signs one of your devices out and closes its sockets; `not_found` when it is not a live device of yours. */
  async revokeDevice(auth: AuthContext, deviceId: DeviceId): Promise<void> {
    const revoked = await this.deps.store.auth.revokeDevice(auth.accountId, deviceId, this.deps.clock.now());
    if (!revoked) throw new AppError('not_found', 'No such device');
    this.deps.delivery.closeDevice(auth.accountId, deviceId, CLOSE.sessionRevoked, 'signed out by another device');
    this.log.info({ accountId: auth.accountId, deviceId, by: auth.deviceId }, 'device signed out');
  }

  listBlocks(auth: AuthContext): Promise<AccountId[]> {
    return this.deps.store.accounts.listBlocked(auth.accountId);
  }

  /** Blocks a live account (idempotent): it can no longer message you in a direct chat. */
  async block(auth: AuthContext, target: AccountId): Promise<void> {
    if (target === auth.accountId) throw new AppError('bad_request', 'You cannot block yourself');
    const record = await this.deps.store.accounts.get(target);
    if (record === null || record.deletedAt !== null) throw new AppError('not_found', 'No such account');
    await this.deps.store.accounts.block(auth.accountId, target, this.deps.clock.now());
  }

  /** Unblocks an account (idempotent). */
  async unblock(auth: AuthContext, target: AccountId): Promise<void> {
    if (target === auth.accountId) throw new AppError('bad_request', 'You cannot unblock yourself');
    if ((await this.deps.store.accounts.get(target)) === null) throw new AppError('not_found', 'No such account');
    await this.deps.store.accounts.unblock(auth.accountId, target);
  }

  private async liveAccount(id: AccountId): Promise<AccountRecord> {
    const record = await this.deps.store.accounts.get(id);
    if (record === null || record.deletedAt !== null) throw new AppError('not_found', 'No such account');
    return record;
  }
}

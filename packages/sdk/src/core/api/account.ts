import type { Account, AccountId, Device, DeviceId, Identifier, Profile, ProfilePatch, Session } from '@ottr/protocol';
import type { ClientCore } from '../client.js';
import { OttrError, isOttrError } from '../errors.js';
import type { RestClient } from '../rest.js';
import type { SavedSession } from '../session.js';
import { KEYS, clearClientData } from '../store.js';

/** Where a sign-in code went. */
export interface CodeSent {
  /** The normalised identifier (E.164 phone number or lower-cased email). */
  identifier: string;
  /** How the code travels. */
  channel: 'sms' | 'email';
  /** When the code stops working (ms, server clock). */
  expiresAt: number;
  /** True on a development server without an email/SMS provider: the code is in the server's log and data/dev-outbox.log. */
  devOutbox?: true;
}

/** Signing in with a one-time code, signing out, restoring a saved session. */
export class AuthApi {
  constructor(
    private readonly core: ClientCore,
    private readonly anonymous: RestClient,
  ) {}

  /** Sends a one-time code to a phone number (E.164) or an email address. */
  requestCode(identifier: Identifier): Promise<CodeSent> {
    return this.anonymous.request('requestCode', { body: identifier });
  }

  /**
   * Signs in (or up) with the code; creates this device's session and saves it in the store.
   * A store that held another account's data is cleared first.
   */
  async verify(input: Identifier & { code: string; deviceName: string; platform?: string }): Promise<Session> {
    const { code, deviceName, platform, ...identifier } = input;
    const device = { name: deviceName, ...(platform !== undefined ? { platform } : {}) };
    const session = await this.anonymous.request('verifyCode', { body: { ...identifier, code, device } });
    await this.core.loaded.catch(() => undefined);
    const previous = (await this.core.options.store?.get(KEYS.session)) as SavedSession | undefined;
    if (this.core.sessions.current && this.core.sessions.current.accountId !== session.accountId) await this.core.wipe();
    else if (previous && previous.accountId !== session.accountId && this.core.options.store) await clearClientData(this.core.options.store);
    await this.core.sessions.set({
      accountId: session.accountId,
      deviceId: session.deviceId,
      accessToken: session.accessToken,
      accessTokenExpiresAt: session.accessTokenExpiresAt,
      refreshToken: session.refreshToken,
    });
    this.core.emit('session', { type: 'signed-in', accountId: session.accountId, deviceId: session.deviceId });
    return session;
  }

  /** The session saved in the store (after `createClient` without `session`), or null if there is none. */
  async restore(): Promise<SavedSession | null> {
    await this.core.loaded;
    return this.core.sessions.current;
  }

  /** The current session with its tokens (e.g. to save it elsewhere), or null. */
  current(): SavedSession | null {
    return this.core.sessions.current;
  }

  /**
   * Signs this device out on the server (best effort when offline), stops the connection and
   * deletes everything the client kept: session, cursor, outbox, caches.
   */
  async signOut(): Promise<void> {
    if (this.core.sessions.current && !this.core.sessions.endedBy) {
      try {
        await this.core.rest.request('logout');
      } catch (err) {
        if (!isOttrError(err) || (err.status !== 0 && err.status !== 401)) throw err;
      }
    }
    await this.core.wipe();
    this.core.emit('session', { type: 'signed-out' });
  }
}

/** Your account and other people's public profiles. */
export class ProfileApi {
  constructor(private readonly core: ClientCore) {}

  /** Your account. */
  me(): Promise<Account> {
    return this.core.rest.request('getMe');
  }

  /** Changes your display name, about, avatar or presence privacy. */
  update(patch: ProfilePatch): Promise<Account> {
    return this.core.rest.request('updateMe', { body: patch });
  }

  /** Someone's public profile. */
  get(accountId: AccountId): Promise<Profile> {
    return this.core.rest.request('getProfile', { params: { accountId } });
  }

  /** Profiles of several accounts (fetched in parallel). */
  getMany(accountIds: AccountId[]): Promise<Profile[]> {
    return Promise.all(accountIds.map((id) => this.get(id)));
  }

  /** Registered accounts with exactly these phone numbers or email addresses, in the order asked. */
  async lookup(query: { phones?: string[]; emails?: string[] }): Promise<{ query: string; profile: Profile }[]> {
    return (await this.core.rest.request('lookup', { body: query })).matches;
  }

  /** Finds one account by phone number or email; throws `not_found` when none is registered. */
  async find(identifier: Identifier): Promise<Profile> {
    const matches = await this.lookup('phone' in identifier ? { phones: [identifier.phone] } : { emails: [identifier.email] });
    const hit = matches[0];
    if (!hit) throw new OttrError('not_found', `No account for ${'phone' in identifier ? identifier.phone : identifier.email}`);
    return hit.profile;
  }

  /** Deletes your account for good (every device is signed out), then wipes local data. */
  async deleteAccount(): Promise<void> {
    await this.core.rest.request('deleteMe');
    await this.core.wipe();
    this.core.emit('session', { type: 'ended', reason: 'account-deleted' });
  }
}

/** Your signed-in devices. */
export class DevicesApi {
  constructor(private readonly core: ClientCore) {}

  /** Every signed-in device of your account (`current` marks this one). */
  async list(): Promise<Device[]> {
    return (await this.core.rest.request('listDevices')).items;
  }

  /** Signs another device out (its connection is closed with 4200). */
  revoke(deviceId: DeviceId): Promise<void> {
    return this.core.rest.request('revokeDevice', { params: { deviceId } });
  }
}

/** Blocking: neither side can message the other in their direct chat. */
export class BlocksApi {
  constructor(private readonly core: ClientCore) {}

  /** The accounts you blocked. */
  async list(): Promise<AccountId[]> {
    return (await this.core.rest.request('listBlocks')).items;
  }

  /** Blocks an account. */
  block(accountId: AccountId): Promise<void> {
    return this.core.rest.request('block', { params: { accountId } });
  }

  /** Unblocks an account. */
  unblock(accountId: AccountId): Promise<void> {
    return this.core.rest.request('unblock', { params: { accountId } });
  }
}

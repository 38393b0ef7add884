import type { AccountId, DeviceId, Tokens } from '@ottr/protocol';
import { OttrError, endsSession } from './errors.js';
import type { Platform } from './platform.js';
import { KEYS, type SdkStore } from './store.js';

/** What a client needs to act as a signed-in device; saved in the store. */
export interface SavedSession {
  /** The signed-in account. */
  accountId: AccountId;
  /** This device. */
  deviceId: DeviceId;
  /** Bearer token of REST calls and the WebSocket `auth`. */
  accessToken: string;
  /** When the access token expires (ms, server clock); unknown: refreshed when the server says so. */
  accessTokenExpiresAt?: number;
  /** Exchanged for new tokens; rotated on every refresh. */
  refreshToken: string;
}

/** Why the server ended a session. */
export type SessionEndReason = 'revoked' | 'account-deleted' | 'suspended' | 'unauthorized';

/** Changes of the session, emitted as the client's `session` event. */
export type SessionEvent =
  | { type: 'signed-in'; accountId: AccountId; deviceId: DeviceId }
  /** The tokens were rotated (and saved before use). */
  | { type: 'refreshed' }
  /** The server ended this session (once per session): sign in again. */
  | { type: 'ended'; reason: SessionEndReason; error?: OttrError; closeCode?: number }
  /** `signOut()` finished. */
  | { type: 'signed-out' };

/** The session reason of an error that ends a session. */
export function endReason(code: string): SessionEndReason {
  return code === 'account_suspended' ? 'suspended' : code === 'unauthorized' ? 'unauthorized' : 'revoked';
}

/** Refresh a little before expiry, to spare a round trip that would answer token_expired. */
const EARLY_MS = 250;

/**
 * The device's tokens: persisted in the store, refreshed single-flight (one refresh request in
 * flight per device, as the protocol demands: a refresh token presented twice revokes the
 * device), the rotated refresh token saved before the new access token is used.
 */
export class SessionManager {
  private session: SavedSession | null = null;
  private refreshing: Promise<void> | null = null;
  private ended: OttrError | null = null;
  /** serverTime − now(), learned from `ready`. */
  private offsetMs = 0;

  constructor(
    private readonly deps: {
      store: SdkStore;
      platform: Platform;
      /** POST /v1/auth/refresh. */
      refreshCall(refreshToken: string): Promise<Tokens>;
      onEvent(event: SessionEvent): void;
    },
  ) {}

  get current(): SavedSession | null {
    return this.session;
  }

  /** The error that ended the session, if the server ended it. */
  get endedBy(): OttrError | null {
    return this.ended;
  }

  async load(): Promise<SavedSession | null> {
    const saved = (await this.deps.store.get(KEYS.session)) as SavedSession | undefined;
    if (saved && !this.session) this.session = saved;
    return this.session;
  }

  /** Uses `session` at once (in memory); `set` saves it. */
  adopt(session: SavedSession): void {
    this.session = session;
    this.ended = null;
  }

  /** Saves and adopts a session (after verify, or one given to createClient). */
  async set(session: SavedSession): Promise<void> {
    await this.deps.store.write([[KEYS.session, session]]);
    this.session = session;
    this.ended = null;
  }

  /** Forgets the session, in memory and in the store. */
  async clear(): Promise<void> {
    this.session = null;
    this.ended = null;
    await this.deps.store.write([[KEYS.session, undefined]]);
  }

  /**
   * The server ended the session (a 42xx close, a refresh or a request answered session_revoked,
   * unauthorized or account_suspended): every later use fails with `error`; announced once.
   */
  markEnded(error: OttrError, reason: SessionEndReason = endReason(error.code), closeCode?: number): void {
    if (this.ended || !this.session) return;
    this.ended = error;
    this.deps.onEvent({ type: 'ended', reason, error, ...(closeCode !== undefined ? { closeCode } : {}) });
  }

  noteServerTime(serverTime: number): void {
    this.offsetMs = serverTime - this.deps.platform.now();
  }

  /** The server's clock as far as this client knows it (expiry times are on that clock). */
  serverNow(): number {
    return this.deps.platform.now() + this.offsetMs;
  }

  /** A usable access token: waits for a refresh in flight, refreshes one known to be expired. */
  async accessToken(): Promise<string> {
    if (this.refreshing) await this.refreshing;
    const s = this.session;
    if (!s) throw new OttrError('not_signed_in');
    if (this.ended) throw this.ended;
    if (s.accessTokenExpiresAt !== undefined && this.serverNow() >= s.accessTokenExpiresAt - EARLY_MS) {
      await this.refresh(s.accessToken);
      return this.session?.accessToken ?? Promise.reject(new OttrError('not_signed_in'));
    }
    return s.accessToken;
  }

  /**
   * Exchanges the refresh token for new tokens, once: callers that come while a refresh is in
   * flight share it, and a caller whose `staleAccessToken` was already replaced returns at once.
   */
  refresh(staleAccessToken: string): Promise<void> {
    if (this.refreshing) return this.refreshing;
    const s = this.session;
    if (!s) return Promise.reject(new OttrError('not_signed_in'));
    if (this.ended) return Promise.reject(this.ended);
    if (s.accessToken !== staleAccessToken) return Promise.resolve();
    const run = async () => {
      try {
        const tokens = await this.deps.refreshCall(s.refreshToken);
        if (this.session !== s) return; // signed out (or in again) meanwhile
        const next: SavedSession = { ...s, accessToken: tokens.accessToken, accessTokenExpiresAt: tokens.accessTokenExpiresAt, refreshToken: tokens.refreshToken };
        // Persisted before use: losing the rotated refresh token would lock this device out.
        await this.deps.store.write([[KEYS.session, next]]);
        if (this.session !== s) return;
        this.session = next;
        this.deps.onEvent({ type: 'refreshed' });
      } catch (err) {
        if (err instanceof OttrError && endsSession(err) && this.session === s) this.markEnded(err);
        throw err;
      }
    };
    const p = run().finally(() => {
      if (this.refreshing === p) this.refreshing = null;
    });
    this.refreshing = p;
    return p;
  }
}

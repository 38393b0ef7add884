import { CLOSE } from '@ottr/protocol';
import type { Account, AccountId, DeviceId, DeviceInfo, Identifier, RouteInput, RouteOutput, Session, Tokens } from '@ottr/protocol';
import type { Logger } from 'pino';
import type { ServerConfig } from '../../config.js';
import { AppError, isAppError } from '../../errors/index.js';
import type { AuthContext } from '../../handlers.js';
import type { AccountRecord, Clock, CodeChannel, CodeSender, IdGenerator, RateLimiter, RateRule, Store, TokenRecord } from '../../ports/index.js';
import type { Delivery } from '../delivery/index.js';
import { codeMatches, generateCode, hashCode } from './codes.js';
import { identifierKey, maskIdentifier, parseIdentifier, type ParsedIdentifier } from './identifiers.js';
import { hashToken, newToken } from './tokens.js';

export type CodeSent = RouteOutput<'requestCode'>;
export type VerifyRequest = RouteInput<'verifyCode'>['body'];

export interface AuthServiceDeps {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  codeSender: CodeSender;
  rateLimiter: RateLimiter;
  delivery: Delivery;
  config: Pick<ServerConfig, 'auth'>;
  logger: Logger;
  /** Key of the code HMAC: at least 16 characters, the same on every node and across restarts. */
  secret: string;
}

/** A device's lastActiveAt is written at most this often. */
export const TOUCH_INTERVAL_MS = 60_000;

/** The account as its owner sees it (GET /v1/me, and in the session at sign-in). */
export function accountOf(record: AccountRecord): Account {
  return {
    id: record.id,
    phone: record.phone,
    email: record.email,
    displayName: record.displayName,
    about: record.about,
    avatar: record.avatar,
    presencePrivacy: record.presencePrivacy,
    createdAt: record.createdAt,
  };
}

/** Counts one hit of `key`; throws `rate_limited` with `retryAfter` (seconds) when over `rule`. */
export async function enforceRateLimit(limiter: RateLimiter, key: string, rule: RateRule): Promise<void> {
  const decision = await limiter.hit(key, rule);
  if (!decision.allowed) {
    throw new AppError('rate_limited', undefined, { retryAfter: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)) });
  }
}

/**
 * Sign-in with one-time codes, sessions per device, and bearer-token authentication.
 *
 * Codes are stored as HMACs and never logged (only the development code sender writes them
 * out); identifiers appear in logs masked. Tokens are opaque and stored as SHA-256.
 */
export class AuthService {
  private readonly cfg: ServerConfig['auth'];
  private readonly log: Logger;

  constructor(private readonly deps: AuthServiceDeps) {
    if (deps.secret.length < 16) throw new Error('AuthService: the code secret must have at least 16 characters');
    this.cfg = deps.config.auth;
    this.log = deps.logger.child({ module: 'auth' });
  }

  /**
   * Sends a new code to a phone (SMS) or email address; any earlier pending code stops working.
   * The identifier of a suspended account gets `account_suspended` and no code.
   */
  async requestCode(request: Identifier, ip: string): Promise<CodeSent> {
    const id = parseIdentifier(request);
    const key = identifierKey(id);
    await enforceRateLimit(this.deps.rateLimiter, `auth:code:ip:${ip}`, this.cfg.codePerIp);
    await enforceRateLimit(this.deps.rateLimiter, `auth:code:id:${key}`, this.cfg.codePerIdentifier);
    const account = await this.deps.store.accounts.findByIdentifier(id.kind, id.value);
    if (account !== null) refuseSuspended(account);

    const now = this.deps.clock.now();
    const code = generateCode();
    const expiresAt = now + this.cfg.codeTtlMs;
    const channel: CodeChannel = id.kind === 'phone' ? 'sms' : 'email';
    await this.deps.store.auth.putCode({ identifier: key, codeHash: hashCode(this.deps.secret, key, code), expiresAt, attempts: 0, createdAt: now });
    try {
      await this.deps.codeSender.send({ channel, to: id.value, code, expiresAt });
    } catch (err) {
      await this.deps.store.auth.deleteCode(key);
      this.log.warn({ to: maskIdentifier(id), channel, reason: isAppError(err) ? err.message : String(err) }, 'sign-in code not delivered');
      throw isAppError(err) ? err : new AppError('code_delivery_failed', undefined, { cause: err });
    }
    this.log.info({ to: maskIdentifier(id), channel }, 'sign-in code sent');
    return { identifier: id.value, channel, expiresAt, ...(this.deps.codeSender.devOutbox?.(channel) ? { devOutbox: true } : {}) };
  }

  /**
   * Checks the code; on success it is used up and the account (created on first sign-in) gets a
   * new device with an access and a refresh token. Wrong codes count; the last allowed wrong
   * attempt deletes the code. A suspended account gets `account_suspended` (the code is used up).
   */
  async verifyCode(request: VerifyRequest, ip: string): Promise<Session> {
    await enforceRateLimit(this.deps.rateLimiter, `auth:verify:ip:${ip}`, this.cfg.verifyPerIp);
    const id = parseIdentifier('phone' in request ? { phone: request.phone } : { email: request.email });
    const key = identifierKey(id);
    const codes = this.deps.store.auth;
    const now = this.deps.clock.now();

    const pending = await codes.getCode(key);
    if (pending === null || pending.expiresAt <= now) {
      if (pending !== null) await codes.deleteCode(key);
      throw new AppError('code_expired');
    }
    if (pending.attempts >= this.cfg.codeMaxAttempts) {
      await codes.deleteCode(key);
      throw new AppError('code_attempts_exceeded');
    }
    if (!codeMatches(this.deps.secret, key, request.code, pending.codeHash)) {
      const attempts = await codes.failCodeAttempt(key);
      if (attempts === 0) throw new AppError('code_expired'); // used or replaced meanwhile
      if (attempts >= this.cfg.codeMaxAttempts) {
        await codes.deleteCode(key);
        this.log.warn({ to: maskIdentifier(id), attempts }, 'sign-in code locked after too many wrong attempts');
        throw new AppError('code_attempts_exceeded');
      }
      throw new AppError('code_invalid', `The code is wrong (${this.cfg.codeMaxAttempts - attempts} attempts left)`);
    }
    // Exactly one of two concurrent verifies of the same code gets to use it.
    if (!(await codes.deleteCode(key))) throw new AppError('code_expired');

    const { account, created } = await this.findOrCreateAccount(id, now);
    const session = await this.openSession(account, request.device, created, now);
    this.log.info({ accountId: account.id, deviceId: session.deviceId, newAccount: created }, created ? 'account created, signed in' : 'signed in');
    return session;
  }

  /**
   * Signs a new device in to an existing account without a code (for operators: bots,
   * automation, load tests): the same device and session as a sign-in by code, with
   * `newAccount: false`. Throws `account_suspended` while the account is suspended. The caller
   * has checked that the account exists and was not deleted.
   */
  async createSession(account: AccountRecord, device: DeviceInfo): Promise<Session> {
    return this.openSession(account, device, false, this.deps.clock.now());
  }

  /**
   * Rotates a refresh token: new access and refresh tokens, the old ones stop working. A refresh
   * token presented a second time means it leaked: the device is signed out everywhere.
   */
  async refresh(refreshToken: string): Promise<Tokens> {
    const hash = hashToken(refreshToken);
    const now = this.deps.clock.now();
    const live = await this.deps.store.auth.findToken(hash);
    if (live !== null && live.token.kind !== 'refresh') throw new AppError('unauthorized', 'Not a refresh token');
    if (live !== null && live.token.expiresAt <= now) throw new AppError('unauthorized', 'The refresh token has expired; sign in again');
    if (live !== null && live.device.revokedAt !== null) throw new AppError('session_revoked');
    if (live !== null) await this.refuseSuspendedAccount(live.device.accountId);

    // Not live: unknown, or already rotated (reuse). The store tells which; no tokens are issued then.
    const issued = live === null ? null : this.issueTokens(live.device.id, now);
    const result = await this.deps.store.auth.rotateRefresh(hash, issued?.records ?? [], now);
    if (result.outcome === 'reused') {
      const { accountId, id: deviceId } = result.device;
      this.deps.delivery.closeDevice(accountId, deviceId, CLOSE.sessionRevoked, 'refresh token reused');
      this.log.warn({ accountId, deviceId }, 'refresh token reused: device signed out');
      throw new AppError('session_revoked', 'This refresh token was already used; the device was signed out');
    }
    if (result.outcome === 'revoked') throw new AppError('session_revoked');
    if (result.outcome === 'invalid') throw new AppError('unauthorized', 'Unknown refresh token');
    if (issued === null) throw new AppError('internal', 'A refresh token rotated that was not live');
    return issued.tokens;
  }

  /** Signs the calling device out and closes its sockets. */
  async logout(auth: AuthContext): Promise<void> {
    await this.deps.store.auth.revokeDevice(auth.accountId, auth.deviceId, this.deps.clock.now());
    this.deps.delivery.closeDevice(auth.accountId, auth.deviceId, CLOSE.sessionRevoked, 'signed out');
    this.log.info({ accountId: auth.accountId, deviceId: auth.deviceId }, 'signed out');
  }

  /**
   * The device behind an access token. Throws `unauthorized` (missing, unknown, rotated away),
   * `session_revoked` (its device was signed out), `account_suspended`, or `token_expired`.
   */
  async authenticate(accessToken: string): Promise<AuthContext> {
    if (accessToken.length === 0 || accessToken.length > 512) throw new AppError('unauthorized');
    const found = await this.deps.store.auth.findToken(hashToken(accessToken));
    if (found === null || found.token.kind !== 'access') throw new AppError('unauthorized');
    const { device, token } = found;
    if (device.revokedAt !== null) throw new AppError('session_revoked');
    // Before expiry: a suspended device should stop, not refresh and retry.
    await this.refuseSuspendedAccount(device.accountId);
    const now = this.deps.clock.now();
    if (token.expiresAt <= now) throw new AppError('token_expired');
    if (now - device.lastActiveAt >= TOUCH_INTERVAL_MS) await this.deps.store.auth.touchDevice(device.id, now);
    return { accountId: device.accountId, deviceId: device.id };
  }

  /**
   * Creates the account of a phone number or email address without a code (for operators),
   * with the profile a first sign-in would give it; `displayName` replaces the masked
   * identifier. Throws `invalid_identifier`, or `conflict` when a live account has it.
   */
  async createAccount(identifier: Identifier, displayName?: string): Promise<AccountRecord> {
    const id = parseIdentifier(identifier);
    const account = await this.insertAccount(id, this.deps.clock.now(), displayName);
    this.log.info({ accountId: account.id, to: maskIdentifier(id) }, 'account created by an operator');
    return account;
  }

  /** Deletes expired codes and tokens (call periodically); returns how many went. */
  purgeExpired(): Promise<number> {
    return this.deps.store.auth.purgeExpired(this.deps.clock.now());
  }

  /** A new device of the account with its access and refresh tokens; `account_suspended` while suspended. */
  private async openSession(account: AccountRecord, device: DeviceInfo, newAccount: boolean, now: number): Promise<Session> {
    refuseSuspended(account);
    const deviceId = this.deps.ids.next('device') as DeviceId;
    const issued = this.issueTokens(deviceId, now);
    await this.deps.store.auth.createDevice(
      { id: deviceId, accountId: account.id, name: device.name, platform: device.platform ?? '', createdAt: now, lastActiveAt: now },
      issued.records,
    );
    return { ...issued.tokens, accountId: account.id, deviceId, newAccount, account: accountOf(account) };
  }

  private issueTokens(deviceId: DeviceId, now: number): { tokens: Tokens; records: TokenRecord[] } {
    const accessToken = newToken();
    const refreshToken = newToken();
    const accessTokenExpiresAt = now + this.cfg.accessTokenTtlMs;
    return {
      tokens: { accessToken, accessTokenExpiresAt, refreshToken },
      records: [
        { hash: hashToken(accessToken), deviceId, kind: 'access', expiresAt: accessTokenExpiresAt },
        { hash: hashToken(refreshToken), deviceId, kind: 'refresh', expiresAt: now + this.cfg.refreshTokenTtlMs },
      ],
    };
  }

  private async findOrCreateAccount(id: ParsedIdentifier, now: number): Promise<{ account: AccountRecord; created: boolean }> {
    const accounts = this.deps.store.accounts;
    const existing = await accounts.findByIdentifier(id.kind, id.value);
    if (existing !== null) return { account: existing, created: false };
    try {
      return { account: await this.insertAccount(id, now), created: true };
    } catch (err) {
      // Two first sign-ins racing: the other one created it.
      if (isAppError(err) && err.code === 'conflict') {
        const winner = await accounts.findByIdentifier(id.kind, id.value);
        if (winner !== null) return { account: winner, created: false };
      }
      throw err;
    }
  }

  /** A new account of a normalised identifier; `conflict` when a live account has it. */
  private insertAccount(id: ParsedIdentifier, now: number, displayName?: string): Promise<AccountRecord> {
    return this.deps.store.accounts.create({
      id: this.deps.ids.next('account') as AccountId,
      phone: id.kind === 'phone' ? id.value : null,
      email: id.kind === 'email' ? id.value : null,
      displayName: displayName ?? maskIdentifier(id),
      about: '',
      avatar: null,
      presencePrivacy: 'everyone',
      createdAt: now,
    });
  }

  private async refuseSuspendedAccount(accountId: AccountId): Promise<void> {
    const account = await this.deps.store.accounts.get(accountId);
    if (account !== null) refuseSuspended(account);
  }
}

/** Throws `account_suspended` while an operator has the account suspended. */
function refuseSuspended(account: AccountRecord): void {
  if (account.suspendedAt !== null) throw new AppError('account_suspended');
}

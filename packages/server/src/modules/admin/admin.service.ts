import { CLOSE, isId } from '@ottr/protocol';
import type { AccountId, AdminAccount, AdminCreateAccount, AdminCreateSession, RouteInput, RouteOutput, Session } from '@ottr/protocol';
import type { Logger } from 'pino';
import { AppError } from '../../errors/index.js';
import type { AccountQuery, AccountRecord, Clock, Store } from '../../ports/index.js';
import type { AccountsService } from '../accounts/index.js';
import { tryNormaliseEmail, tryNormalisePhone, type AuthService } from '../auth/index.js';
import type { Delivery } from '../delivery/index.js';

export type AdminAccountsQuery = RouteInput<'adminListAccounts'>['query'];
export type AdminAccountPage = RouteOutput<'adminListAccounts'>;

export interface AdminServiceDeps {
  store: Store;
  clock: Clock;
  delivery: Delivery;
  /** Creates accounts the way a first sign-in does, and devices with their sessions the way sign-in does. */
  auth: Pick<AuthService, 'createAccount' | 'createSession'>;
  /** Deletes accounts the way DELETE /v1/me does. */
  accounts: Pick<AccountsService, 'deleteAccount'>;
  logger: Logger;
}

/** The operator's view of an account. */
export function adminAccountOf(record: AccountRecord, devices: number): AdminAccount {
  return {
    id: record.id,
    phone: record.phone,
    email: record.email,
    displayName: record.displayName,
    createdAt: record.createdAt,
    lastSeenAt: record.lastSeenAt,
    suspendedAt: record.suspendedAt,
    deletedAt: record.deletedAt,
    devices,
  };
}

/**
 * `q` of the account list: an account id, else an email address (it has an `@`), else a phone
 * number — normalised as at sign-in. Anything else is `invalid_identifier`.
 */
export function parseAccountQuery(q: string): AccountQuery {
  const value = q.trim();
  if (isId('account', value)) return { kind: 'id', value: value as AccountId };
  const normalised = value.includes('@') ? tryNormaliseEmail(value) : tryNormalisePhone(value);
  if (normalised === null) throw new AppError('invalid_identifier', 'q must be an account id (acc_…), a phone number (+…) or an email address');
  return { kind: value.includes('@') ? 'email' : 'phone', value: normalised };
}

/**
 * What operators do to accounts (the admin API): list and find them, create one without a code,
 * sign a device in to one without a code, suspend and unsuspend, delete. Callers have checked the admin token (AdminAuth).
 */
export class AdminService {
  private readonly log: Logger;

  constructor(private readonly deps: AdminServiceDeps) {
    this.log = deps.logger.child({ module: 'admin' });
  }

  /** Every account, deleted ones included, newest first, in pages of `limit` (default 50). */
  async listAccounts(query: AdminAccountsQuery = {}): Promise<AdminAccountPage> {
    const page = await this.deps.store.accounts.list({
      limit: query.limit ?? 50,
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      ...(query.q !== undefined ? { q: parseAccountQuery(query.q) } : {}),
    });
    return { items: page.items.map((a) => adminAccountOf(a, a.devices)), next: page.next };
  }

  /**
   * Creates the account of a phone number or email address, without a code; its owner signs in
   * to it with a code later (`newAccount: false`). `conflict` when a live account has the
   * identifier; a blank display name is `bad_request`.
   */
  async createAccount(request: AdminCreateAccount): Promise<AdminAccount> {
    const displayName = request.displayName?.trim();
    if (displayName !== undefined && displayName.length === 0) throw new AppError('bad_request', 'The display name may not be blank');
    const identifier = 'phone' in request ? { phone: request.phone } : { email: request.email };
    const record = await this.deps.auth.createAccount(identifier, displayName);
    return adminAccountOf(record, 0);
  }

  /**
   * Signs a new device in to a live account without a code (bots, automation, load tests): the
   * session a sign-in by code gives (`newAccount: false`), through AuthService. `not_found` for
   * unknown and deleted accounts, `account_suspended` while suspended. Tokens are not logged.
   */
  async createSession(accountId: AccountId, request: AdminCreateSession): Promise<Session> {
    const record = await this.liveAccount(accountId);
    const session = await this.deps.auth.createSession(record, request.device);
    this.log.info({ accountId, deviceId: session.deviceId }, 'device signed in by an operator');
    return session;
  }

  /**
   * Suspends a live account (idempotent: the first suspension time stays): every socket of it is
   * closed with 4204, its tokens answer `account_suspended`, and so does signing in by code.
   */
  async suspend(accountId: AccountId): Promise<AdminAccount> {
    let record = await this.liveAccount(accountId);
    if (record.suspendedAt === null) record = await this.deps.store.accounts.setSuspended(accountId, this.deps.clock.now());
    // Also when it already was: a socket that authenticated while the first suspension was written goes too.
    this.deps.delivery.closeAccount(accountId, CLOSE.accountSuspended, 'account suspended');
    this.log.info({ accountId, suspendedAt: record.suspendedAt }, 'account suspended');
    return this.view(record);
  }

  /** Lifts a suspension (idempotent): the account's devices work again with the tokens they hold. */
  async unsuspend(accountId: AccountId): Promise<AdminAccount> {
    let record = await this.liveAccount(accountId);
    if (record.suspendedAt !== null) record = await this.deps.store.accounts.setSuspended(accountId, null);
    this.log.info({ accountId }, 'account unsuspended');
    return this.view(record);
  }

  /** Deletes the account exactly as its owner would (AccountsService.deleteAccount). */
  async deleteAccount(accountId: AccountId): Promise<void> {
    await this.deps.accounts.deleteAccount(accountId);
    this.log.info({ accountId }, 'account deleted by an operator');
  }

  private async liveAccount(id: AccountId): Promise<AccountRecord> {
    const record = await this.deps.store.accounts.get(id);
    if (record === null || record.deletedAt !== null) throw new AppError('not_found', 'No such account');
    return record;
  }

  private async view(record: AccountRecord): Promise<AdminAccount> {
    const devices = await this.deps.store.auth.listDevices(record.id);
    return adminAccountOf(record, devices.filter((d) => d.revokedAt === null).length);
  }
}

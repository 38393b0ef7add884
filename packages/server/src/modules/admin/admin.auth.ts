import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { ADMIN_TOKEN_MIN_LENGTH, type ServerConfig } from '../../config.js';
import { AppError } from '../../errors/index.js';
import type { Clock, RateLimiter } from '../../ports/index.js';

export interface AdminAuthDeps {
  clock: Clock;
  rateLimiter: RateLimiter;
  config: Pick<ServerConfig, 'admin'>;
  logger: Logger;
}

/** Locked-out IPs kept at most; past it the oldest lockouts are dropped. */
const MAX_LOCKOUTS = 10_000;

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/**
 * The admin token check of the admin routes. With no token configured the admin API is off:
 * every admin request answers `forbidden` ("admin API disabled"). Otherwise the bearer token is
 * compared in constant time (SHA-256 of both, then timingSafeEqual). Failed attempts count per
 * client IP (`admin.failuresPerIp`); the attempt that goes over the limit locks the IP out of
 * the admin routes — with any token, the right one included — until the limiter would accept
 * it again: `rate_limited` with `retryAfter`.
 */
export class AdminAuth {
  private readonly expected: Buffer | null;
  private readonly rule: ServerConfig['admin']['failuresPerIp'];
  private readonly log: Logger;
  /** Client IP → end of its lockout (ms). */
  private readonly lockouts = new Map<string, number>();

  constructor(private readonly deps: AdminAuthDeps) {
    const { token, failuresPerIp } = deps.config.admin;
    if (token !== '' && token.length < ADMIN_TOKEN_MIN_LENGTH) throw new Error(`AdminAuth: the admin token must have at least ${ADMIN_TOKEN_MIN_LENGTH} characters`);
    this.expected = token === '' ? null : digest(token);
    this.rule = failuresPerIp;
    this.log = deps.logger.child({ module: 'admin' });
  }

  get enabled(): boolean {
    return this.expected !== null;
  }

  /** Resolves when `token` is the admin token; throws `forbidden`, `rate_limited` or `unauthorized`. */
  async check(token: string | null, ip: string): Promise<void> {
    if (this.expected === null) throw new AppError('forbidden', 'admin API disabled');
    const now = this.deps.clock.now();
    const until = this.lockouts.get(ip);
    if (until !== undefined) {
      if (until > now) throw rateLimited(until - now);
      this.lockouts.delete(ip);
    }
    if (token !== null && timingSafeEqual(digest(token), this.expected)) return;

    const decision = await this.deps.rateLimiter.hit(`admin:auth-failed:${ip}`, this.rule);
    if (!decision.allowed) {
      this.lock(ip, now + decision.retryAfterMs);
      this.log.warn({ ip, retryAfterMs: decision.retryAfterMs }, 'admin API: too many failed authentications, IP locked out');
      throw rateLimited(decision.retryAfterMs);
    }
    this.log.warn({ ip }, 'admin API: failed authentication');
    throw new AppError('unauthorized', token === null ? 'Send the admin token as Authorization: Bearer <token>' : 'Wrong admin token');
  }

  private lock(ip: string, until: number): void {
    this.lockouts.delete(ip);
    this.lockouts.set(ip, until);
    for (const key of this.lockouts.keys()) {
      if (this.lockouts.size <= MAX_LOCKOUTS) break;
      this.lockouts.delete(key);
    }
  }
}

function rateLimited(ms: number): AppError {
  return new AppError('rate_limited', 'Too many failed admin authentications from this address', { retryAfter: Math.max(1, Math.ceil(ms / 1000)) });
}

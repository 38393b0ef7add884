import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from '../../adapters/memory-rate-limiter.js';
import { resolveServerConfig } from '../../config.js';
import { AppError } from '../../errors/index.js';
import { failureCode } from '../../testing/index.js';
import { AdminAuth } from './index.js';

const TOKEN = 'admin-token-0123456789abcdef-0123456789';

function setup(admin: Record<string, unknown> = { token: TOKEN }) {
  let now = Date.UTC(2030, 0, 1);
  const clock = { now: () => now };
  const config = resolveServerConfig({ admin });
  const auth = new AdminAuth({ clock, rateLimiter: new MemoryRateLimiter({ clock }), config, logger: pino({ level: 'silent' }) });
  return { auth, advance: (ms: number) => (now += ms) };
}

describe('admin token check', () => {
  it('accepts exactly the configured token', async () => {
    const { auth } = setup();
    expect(auth.enabled).toBe(true);
    await expect(auth.check(TOKEN, '10.0.0.1')).resolves.toBeUndefined();
    for (const wrong of [null, '', TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase(), ` ${TOKEN}`]) {
      expect(await failureCode(auth.check(wrong, '10.0.0.1')), String(wrong)).toBe('unauthorized');
    }
  });

  it('without a token the admin API is off: forbidden "admin API disabled" for any credentials, never rate limited', async () => {
    const { auth } = setup({ token: '', failuresPerIp: { limit: 1, windowMs: 60_000 } });
    expect(auth.enabled).toBe(false);
    for (const token of [null, '', 'anything', TOKEN, TOKEN, TOKEN]) {
      const err = await auth.check(token, '10.0.0.1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: 'forbidden', status: 403, message: 'admin API disabled' });
    }
  });

  it('refuses a token shorter than 32 characters at construction (and in the config)', () => {
    expect(() => resolveServerConfig({ admin: { token: 'short' } })).toThrow(/admin\/token: must be empty \(admin API off\) or at least 32 characters/);
    const config = { admin: { token: 'x'.repeat(31), failuresPerIp: { limit: 1, windowMs: 1 } } };
    expect(() => new AdminAuth({ clock: { now: () => 0 }, rateLimiter: new MemoryRateLimiter(), config, logger: pino({ level: 'silent' }) })).toThrow(/at least 32/);
  });

  it('locks an IP out after too many failures — the right token too — until the window allows again; other IPs are unaffected', async () => {
    const { auth, advance } = setup({ token: TOKEN, failuresPerIp: { limit: 3, windowMs: 60_000 } });
    for (let i = 0; i < 3; i++) expect(await failureCode(auth.check('guess', '10.0.0.1'))).toBe('unauthorized');
    const limited = await auth.check('guess', '10.0.0.1').catch((e: unknown) => e);
    expect(limited).toMatchObject({ code: 'rate_limited', retryAfter: expect.any(Number) });
    const retryAfter = (limited as AppError).retryAfter!;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(await failureCode(auth.check(TOKEN, '10.0.0.1'))).toBe('rate_limited');
    await auth.check(TOKEN, '10.0.0.2');
    expect(await failureCode(auth.check('guess', '10.0.0.2'))).toBe('unauthorized');

    advance(retryAfter * 1000);
    await auth.check(TOKEN, '10.0.0.1');
  });

  it('successes do not count against the limit', async () => {
    const { auth } = setup({ token: TOKEN, failuresPerIp: { limit: 2, windowMs: 60_000 } });
    for (let i = 0; i < 20; i++) await auth.check(TOKEN, '10.0.0.1');
    expect(await failureCode(auth.check('guess', '10.0.0.1'))).toBe('unauthorized');
    expect(await failureCode(auth.check('guess', '10.0.0.1'))).toBe('unauthorized');
    expect(await failureCode(auth.check('guess', '10.0.0.1'))).toBe('rate_limited');
  });
});

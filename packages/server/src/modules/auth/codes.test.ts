import { describe, expect, it } from 'vitest';
import { codeMatches, generateCode, hashCode } from './codes.js';
import { hashToken, newToken } from './tokens.js';

const secret = 'test-secret-0123456789';

describe('one-time codes', () => {
  it('are six digits, leading zeros kept, and vary', () => {
    const codes = Array.from({ length: 200 }, generateCode);
    for (const c of codes) expect(c).toMatch(/^[0-9]{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(190);
  });

  it('are stored as an HMAC that does not contain the code', () => {
    const hash = hashCode(secret, 'phone:+12133734253', '012345');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain('012345');
  });

  it('match only the same code, identifier and secret', () => {
    const hash = hashCode(secret, 'phone:+12133734253', '012345');
    expect(codeMatches(secret, 'phone:+12133734253', '012345', hash)).toBe(true);
    expect(codeMatches(secret, 'phone:+12133734253', '012346', hash)).toBe(false);
    expect(codeMatches(secret, 'phone:+12133734254', '012345', hash)).toBe(false);
    expect(codeMatches('another-secret-0123456', 'phone:+12133734253', '012345', hash)).toBe(false);
    expect(codeMatches(secret, 'phone:+12133734253', '012345', 'not-hex')).toBe(false);
    expect(codeMatches(secret, 'phone:+12133734253', '012345', '')).toBe(false);
  });
});

describe('tokens', () => {
  it('are 32 random bytes in base64url, stored as SHA-256 hex', () => {
    const t = newToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(t, 'base64url')).toHaveLength(32);
    expect(newToken()).not.toBe(t);
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(t)).toBe(hashToken(t));
    expect(hashToken(t)).not.toBe(hashToken(newToken()));
  });
});

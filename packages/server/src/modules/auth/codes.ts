import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/** One-time sign-in codes: six random digits, stored only as an HMAC keyed with a server secret. */
export const CODE_LENGTH = 6;

/** A uniformly random 6-digit code (leading zeros kept). */
export function generateCode(): string {
  return randomInt(0, 10 ** CODE_LENGTH).toString().padStart(CODE_LENGTH, '0');
}

/**
 * HMAC-SHA256 (hex) of the code, bound to the identifier key it was sent to, so a stored hash
 * says nothing about the code without the secret and cannot be replayed for another identifier.
 */
export function hashCode(secret: string, identifierKey: string, code: string): string {
  return createHmac('sha256', secret).update(identifierKey).update('\n').update(code).digest('hex');
}

/** Constant-time check of `code` against a stored hash. */
export function codeMatches(secret: string, identifierKey: string, code: string, storedHash: string): boolean {
  const expected = Buffer.from(hashCode(secret, identifierKey, code), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === expected.length && timingSafeEqual(stored, expected);
}

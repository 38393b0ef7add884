import { UsageError } from './errors.js';

export type IdentifierInput = { phone: string } | { email: string };

/** `+14155550123` → phone, `ada@example.com` → email; anything else is a usage error. */
export function parseIdentifier(raw: string, usage?: string): IdentifierInput {
  const value = raw.trim();
  if (value.includes('@')) return { email: value };
  if (/^\+[0-9][0-9 ().-]{2,30}$/.test(value)) return { phone: value.replace(/[ ().-]/g, '') };
  throw new UsageError(`'${raw}' is neither a phone number in international form (+14155550123) nor an email address`, usage);
}

export function identifierText(id: IdentifierInput): string {
  return 'phone' in id ? id.phone : id.email;
}

/** True for arguments that name a person by phone or email rather than by id. */
export function looksLikeIdentifier(raw: string): boolean {
  return raw.includes('@') || raw.startsWith('+');
}

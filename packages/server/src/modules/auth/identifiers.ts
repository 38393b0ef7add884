import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Identifier } from '@ottr/protocol';
import { AppError } from '../../errors/index.js';

/**
 * Sign-in identifiers: phone numbers (E.164) and email addresses, normalised so that one person
 * has one spelling. Everything that stores, compares or looks up an identifier goes through here.
 */
export type IdentifierKind = 'phone' | 'email';

export interface ParsedIdentifier {
  kind: IdentifierKind;
  /** Normalised: E.164 (`+12133734253`) or a lower-cased, trimmed email address. */
  value: string;
}

export const EMAIL_MAX_LENGTH = 254;

/**
 * The E.164 form of an international phone number, or null when it is not one. The input must
 * start with '+' (national formats are ambiguous without a country); spaces, dashes, dots and
 * parentheses are allowed. Numbers that are impossible or invalid for their country (by the full
 * libphonenumber metadata), and numbers with an extension, are rejected.
 */
export function tryNormalisePhone(input: string): string | null {
  const trimmed = input.trim();
  if (!trimmed.startsWith('+') || trimmed.length > 32) return null;
  const parsed = parsePhoneNumberFromString(trimmed);
  if (!parsed || parsed.ext !== undefined || !parsed.isValid()) return null;
  return parsed.number;
}

// Local part: dot-atom characters; domain: at least two DNS labels, letters/digits/hyphens.
const EMAIL_RE = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A trimmed, lower-cased email address, or null when it is not a sane one: at most 254
 * characters, a local part of at most 64 dot-atom characters, a domain of two or more labels.
 * (Quoted local parts and IP-literal domains are not accepted.)
 */
export function tryNormaliseEmail(input: string): string | null {
  const value = input.trim().toLowerCase();
  if (value.length > EMAIL_MAX_LENGTH) return null;
  const at = value.lastIndexOf('@');
  if (at < 1 || at > 64) return null;
  return EMAIL_RE.test(value) ? value : null;
}

/** E.164 form of `input`; throws `invalid_identifier`. */
export function normalisePhone(input: string): string {
  const value = tryNormalisePhone(input);
  if (value === null) throw new AppError('invalid_identifier', 'Not a valid phone number in international format (+ and country code)');
  return value;
}

/** Normalised email address; throws `invalid_identifier`. */
export function normaliseEmail(input: string): string {
  const value = tryNormaliseEmail(input);
  if (value === null) throw new AppError('invalid_identifier', 'Not a valid email address');
  return value;
}

/** The identifier of a request body (`{phone}` or `{email}`), normalised; throws `invalid_identifier`. */
export function parseIdentifier(input: Identifier | { phone?: string; email?: string }): ParsedIdentifier {
  const { phone, email } = input as { phone?: string; email?: string };
  if (phone !== undefined && email === undefined) return { kind: 'phone', value: normalisePhone(phone) };
  if (email !== undefined && phone === undefined) return { kind: 'email', value: normaliseEmail(email) };
  throw new AppError('invalid_identifier', 'Give exactly one of phone or email');
}

/** The key codes are stored under: `phone:+12133734253`, `email:a@example.com`. */
export function identifierKey(id: ParsedIdentifier): string {
  return `${id.kind}:${id.value}`;
}

const DOTS = '•••';

/** `+1 ••• 4253`: the country calling code and the last four digits. */
export function maskPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  const digits = e164.replace(/\D/g, '');
  const cc = parsed?.countryCallingCode ?? digits.slice(0, 1);
  return `+${cc} ${DOTS} ${digits.slice(-4)}`;
}

/** `a••@example.com`: the first character of the local part and the domain. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return DOTS.slice(0, 2);
  return `${email.slice(0, 1)}••${email.slice(at)}`;
}

/** A masked identifier, safe for logs and as a default display name. */
export function maskIdentifier(id: ParsedIdentifier): string {
  return id.kind === 'phone' ? maskPhone(id.value) : maskEmail(id.value);
}

/** Masks a code recipient by the shape of `to` (E.164 or email). */
export function maskRecipient(to: string): string {
  return to.includes('@') ? maskEmail(to) : maskPhone(to);
}

import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors/index.js';
import { maskEmail, maskPhone, normaliseEmail, normalisePhone, parseIdentifier, tryNormaliseEmail, tryNormalisePhone } from './identifiers.js';

describe('phone numbers', () => {
  it.each([
    ['+12133734253', '+12133734253'],
    ['+1 (213) 373-4253', '+12133734253'],
    ['  +1 213.373.4253 ', '+12133734253'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+49 151 23456789', '+4915123456789'],
    ['+7 800 555 35 35', '+78005553535'],
  ])('normalises %j to E.164', (input, e164) => {
    expect(normalisePhone(input)).toBe(e164);
  });

  it.each([
    ['2133734253', 'national format without +'],
    ['(213) 373-4253', 'national format without +'],
    ['00442079460958', 'international prefix instead of +'],
    ['0151 23456789', 'national trunk prefix'],
    ['+1 213 373 42530', 'too long'],
    ['+1 213 373', 'too short'],
    ['+15551234567', 'valid length but not an assigned range (555)'],
    ['+999123456', 'no such country code'],
    ['+1-213-373-4253 ext 5', 'extension'],
    ['phone: +12133734253', 'extra text'],
    ['+', 'just a plus'],
    ['', 'empty'],
  ])('rejects %j (%s)', (input) => {
    expect(tryNormalisePhone(input)).toBeNull();
    expect(() => normalisePhone(input)).toThrow(AppError);
    try {
      normalisePhone(input);
    } catch (e) {
      expect((e as AppError).code).toBe('invalid_identifier');
    }
  });
});

/** `a@bbb….ccc….ddd….eee….com` of exactly n characters (n >= 199), every label at most 63. */
const emailOfLength = (n: number): string => `a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(n - 198)}.com`;

describe('email addresses', () => {
  it.each([
    ['alice@example.com', 'alice@example.com'],
    ['  Alice.Smith+tag@Example.CO.uk ', 'alice.smith+tag@example.co.uk'],
    ['o\'brien@mail.example.org', 'o\'brien@mail.example.org'],
  ])('normalises %j', (input, value) => {
    expect(normaliseEmail(input)).toBe(value);
  });

  it.each([
    'alice',
    'alice@',
    '@example.com',
    'alice@localhost',
    'alice@@example.com',
    'al ice@example.com',
    'alice@exa mple.com',
    '.alice@example.com',
    'alice.@example.com',
    'al..ice@example.com',
    'alice@-example.com',
    'alice@example..com',
    '"alice"@example.com',
    `${'a'.repeat(65)}@example.com`,
    emailOfLength(255),
  ])('rejects %j', (input) => {
    expect(tryNormaliseEmail(input)).toBeNull();
    expect(() => normaliseEmail(input)).toThrow(expect.objectContaining({ code: 'invalid_identifier' }));
  });

  it('accepts exactly 254 characters', () => {
    const email = emailOfLength(254);
    expect(email.length).toBe(254);
    expect(normaliseEmail(email)).toBe(email);
  });
});

describe('parseIdentifier', () => {
  it('takes exactly one of phone or email', () => {
    expect(parseIdentifier({ phone: '+1 213 373 4253' })).toEqual({ kind: 'phone', value: '+12133734253' });
    expect(parseIdentifier({ email: 'A@Example.com' })).toEqual({ kind: 'email', value: 'a@example.com' });
    expect(() => parseIdentifier({})).toThrow(expect.objectContaining({ code: 'invalid_identifier' }));
    expect(() => parseIdentifier({ phone: '+12133734253', email: 'a@example.com' })).toThrow(expect.objectContaining({ code: 'invalid_identifier' }));
  });
});

describe('masking', () => {
  it('keeps the country code and last four digits of a phone number', () => {
    expect(maskPhone('+12133734253')).toBe('+1 ••• 4253');
    expect(maskPhone('+442079460958')).toBe('+44 ••• 0958');
  });
  it('keeps the first character and the domain of an email address', () => {
    expect(maskEmail('alice@example.com')).toBe('a••@example.com');
  });
});

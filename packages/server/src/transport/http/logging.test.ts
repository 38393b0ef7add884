import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LOG_FORMATTERS, redactSecrets, redactUrl } from './logging.js';

function capture(): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { logger: pino({ formatters: LOG_FORMATTERS }, stream), lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('LOG_FORMATTERS', () => {
  it('censors tokens, authorization headers and one-time codes at any of the first levels', () => {
    const { logger, lines } = capture();
    logger.info({
      token: 't1',
      req: { headers: { authorization: 'Bearer t2', host: 'x' } },
      body: { refreshToken: 't3', code: '123456', phone: '+1555' },
      session: { tokens: { accessToken: 't4' } },
      mediaStore: { s3: { accessKeyId: 'AKIA', secretAccessKey: 't5' } },
    });
    const text = JSON.stringify(lines()[0]);
    for (const secret of ['t1', 't2', 't3', 't4', 't5', '123456']) expect(text).not.toContain(`"${secret}"`);
    expect(text).not.toContain('Bearer');
    expect(text).toContain('+1555');
    expect(text).toContain('"host":"x"');
  });

  it('finds secrets deeper down, in arrays, and whatever the case of the key', () => {
    const { logger, lines } = capture();
    logger.info({ a: { b: { c: { d: { Authorization: 'Bearer deep' } } } }, list: [{ TOKEN: 'in-array' }], headers: { Cookie: 'sid=1' } });
    const text = JSON.stringify(lines()[0]);
    for (const secret of ['deep', 'in-array', 'sid=1']) expect(text).not.toContain(secret);
  });

  it('does not change the object it was given', () => {
    const entry = { body: { refreshToken: 'r' }, other: { x: 1 } };
    const out = redactSecrets(entry);
    expect(entry.body.refreshToken).toBe('r');
    expect(out).toEqual({ body: { refreshToken: '[Redacted]' }, other: { x: 1 } });
    expect(out.other).toBe(entry.other);
    const clean = { a: 1, b: { c: 2 } };
    expect(redactSecrets(clean)).toBe(clean);
  });

  it('leaves errors to the err serializer', () => {
    const { logger, lines } = capture();
    logger.error({ err: Object.assign(new Error('boom'), { code: 'ECONNRESET' }) }, 'failed');
    expect(lines()[0]).toMatchObject({ err: { message: 'boom', code: 'ECONNRESET', type: 'Error' } });
  });

  it('keeps error codes and numeric codes readable', () => {
    const { logger, lines } = capture();
    logger.info({ err: { code: 'rate_limited' }, close: { code: 1001 }, code: 'ECONNRESET' });
    expect(lines()[0]).toMatchObject({ err: { code: 'rate_limited' }, close: { code: 1001 }, code: 'ECONNRESET' });
  });
});

describe('redactUrl', () => {
  it('censors secret query parameters and keeps the rest', () => {
    expect(redactUrl('/v1/ws?token=abc&x=1')).toBe('/v1/ws?token=[Redacted]&x=1');
    expect(redactUrl('/v1/x?Code=123456&refreshToken=r&q=hello')).toBe('/v1/x?Code=[Redacted]&refreshToken=[Redacted]&q=hello');
    expect(redactUrl('/v1/x?%74oken=abc')).toBe('/v1/x?%74oken=[Redacted]');
    expect(redactUrl('/v1/me')).toBe('/v1/me');
    expect(redactUrl('/v1/x?%=1&token')).toBe('/v1/x?%=1&token');
  });
});

import type { redactOptions } from 'pino';

/** Field names whose values are secrets wherever they appear (top level or up to three levels deep). */
const SECRET_KEYS = ['authorization', 'cookie', 'token', 'accessToken', 'refreshToken', 'access_token', 'refresh_token', 'secret', 'password', 'code'];

/**
 * One-time codes are strings of 6–8 digits; other `code` fields (error codes like `rate_limited`
 * or `ECONNRESET`, numeric close and exit codes) stay readable.
 */
const OTP = /^[0-9]{6,8}$/;
const CENSOR = '[Redacted]';

/**
 * pino redaction for every ottr logger: authorization headers, tokens, refresh tokens, secrets
 * and one-time codes are censored in any logged object. Pass it to the root logger
 * (`pino({ redact: LOG_REDACT })`); the HTTP transport also applies it to its own child logger.
 */
export const LOG_REDACT: redactOptions = {
  paths: SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]),
  censor: (value: unknown, path: string[]) => {
    if (path[path.length - 1] === 'code') return typeof value === 'string' && OTP.test(value) ? CENSOR : value;
    return CENSOR;
  },
};

const SECRET_PARAMS = new Set(SECRET_KEYS.map((k) => k.toLowerCase()));

/** The URL with the values of secret query parameters (`?token=…`, `?code=…`) censored, for logs. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    let decoded = name;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      // keep the raw name
    }
    return eq >= 0 && SECRET_PARAMS.has(decoded.toLowerCase()) ? `${name}=${CENSOR}` : pair;
  });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

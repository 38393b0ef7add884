/**
 * WebSocket close codes. The range tells a client what to do next:
 * - 1000–1999 (standard) and 4000–4099: reconnect with backoff and sync.
 * - 4100–4199: refresh the access token (or sign in again), then reconnect.
 * - 4200–4299: do not reconnect automatically.
 */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  tooBig: 1009,
  serverError: 1011,
  slowConsumer: 4001,
  heartbeatTimeout: 4002,
  authTimeout: 4003,
  rateLimited: 4004,
  tokenExpired: 4100,
  unauthorized: 4101,
  sessionRevoked: 4200,
  accountDeleted: 4201,
  replaced: 4202,
  protocolUnsupported: 4203,
  accountSuspended: 4204,
} as const;

export type CloseCode = (typeof CLOSE)[keyof typeof CLOSE];

export type CloseAdvice = 'reconnect' | 'refresh-then-reconnect' | 'stop';

/** What a client should do after the server closed its socket with `code`. */
export function closeAdvice(code: number): CloseAdvice {
  if (code >= 4200 && code <= 4299) return 'stop';
  if (code >= 4100 && code <= 4199) return 'refresh-then-reconnect';
  return 'reconnect';
}

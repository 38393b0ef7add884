import { ERRORS, type ErrorCode } from '@ottr/protocol';

/**
 * The one typed error of the server. Domain code and adapters throw it with a stable code from
 * protocol; exactly one edge per transport (HTTP problem+json, WebSocket error frame) maps it
 * to the wire. Anything else thrown is an internal error (500) and is logged.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  /** Seconds until a retry may succeed (rate limits). */
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, detail?: string, options?: { retryAfter?: number; cause?: unknown }) {
    super(detail ?? ERRORS[code].title, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.retryable = ERRORS[code].retryable;
    this.retryAfter = options?.retryAfter;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

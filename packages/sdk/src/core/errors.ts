import { ERRORS, type ErrorCode, type ErrorFrame } from '@ottr/protocol';

/**
 * Failures that happen on the client's side of the wire, with HTTP status 0:
 * - `network`: the request could not be sent or its answer was cut (retryable);
 * - `timeout`: no answer in time (retryable);
 * - `disconnected`: the WebSocket closed before the answer came, or is not live (retryable);
 * - `not_signed_in`: the client has no session;
 * - `stopped`: the client was stopped (disconnect or sign-out) while waiting;
 * - `aborted`: the caller's AbortSignal fired (an upload or download was cancelled).
 */
export const CLIENT_ERRORS = {
  network: { retryable: true, title: 'The server could not be reached' },
  timeout: { retryable: true, title: 'The server did not answer in time' },
  disconnected: { retryable: true, title: 'The connection is not live' },
  not_signed_in: { retryable: false, title: 'Sign in first' },
  stopped: { retryable: false, title: 'The client was stopped' },
  aborted: { retryable: false, title: 'Cancelled' },
} as const;

/** A client-side error code (status 0). */
export type ClientErrorCode = keyof typeof CLIENT_ERRORS;

/** Every code an {@link OttrError} may carry: the protocol's stable codes and the client's own. */
export type OttrErrorCode = ErrorCode | ClientErrorCode;

/**
 * The one error class of the SDK. `code` is the protocol's stable error code (switch on it),
 * `status` the HTTP status (0 for client-side failures), `retryable` whether trying the same
 * thing again later may succeed.
 */
export class OttrError extends Error {
  override readonly name = 'OttrError';
  /** Stable code: a protocol error code or a {@link ClientErrorCode}. */
  readonly code: OttrErrorCode;
  /** HTTP status of the answer; 0 when the failure happened on the client. */
  readonly status: number;
  /** Whether the same request may succeed later. */
  readonly retryable: boolean;
  /** Seconds to wait before retrying (rate limits), when the server said. */
  readonly retryAfter: number | undefined;

  constructor(code: OttrErrorCode, message?: string, init: { status?: number; retryable?: boolean; retryAfter?: number; cause?: unknown } = {}) {
    const known = code in ERRORS ? ERRORS[code as ErrorCode] : undefined;
    const client = code in CLIENT_ERRORS ? CLIENT_ERRORS[code as ClientErrorCode] : undefined;
    super(message ?? known?.title ?? client?.title ?? code, init.cause !== undefined ? { cause: init.cause } : undefined);
    this.code = code;
    this.status = init.status ?? known?.status ?? 0;
    this.retryable = init.retryable ?? known?.retryable ?? client?.retryable ?? false;
    this.retryAfter = init.retryAfter;
  }

  /** The error a WebSocket `error` frame describes. */
  static fromFrame(frame: Pick<ErrorFrame, 'code' | 'status' | 'message' | 'retryable'>): OttrError {
    return new OttrError(frame.code, frame.message, { status: frame.status, retryable: frame.retryable });
  }

  /** The error an RFC 9457 problem body describes (or, failing that, the bare HTTP status). */
  static fromProblem(status: number, body: unknown): OttrError {
    const p = (body ?? {}) as { code?: unknown; detail?: unknown; title?: unknown; retryable?: unknown; retryAfter?: unknown };
    const code = typeof p.code === 'string' && p.code in ERRORS ? (p.code as ErrorCode) : status >= 500 ? 'internal' : 'bad_request';
    const message = typeof p.detail === 'string' ? p.detail : typeof p.title === 'string' ? p.title : undefined;
    return new OttrError(code, message, {
      status,
      ...(typeof p.retryable === 'boolean' ? { retryable: p.retryable } : {}),
      ...(typeof p.retryAfter === 'number' ? { retryAfter: p.retryAfter } : {}),
    });
  }
}

/** True when `err` is an {@link OttrError} (optionally with one of `codes`). */
export function isOttrError(err: unknown, ...codes: OttrErrorCode[]): err is OttrError {
  return err instanceof OttrError && (codes.length === 0 || codes.includes(err.code));
}

/** Codes that end a session for good (sign in again): revoked, unknown or suspended credentials. */
const SESSION_ENDED: ReadonlySet<string> = new Set(['session_revoked', 'unauthorized', 'account_suspended']);

/** True when `err` means the session is over and no retry or refresh can save it. */
export function endsSession(err: unknown): boolean {
  return err instanceof OttrError && SESSION_ENDED.has(err.code);
}

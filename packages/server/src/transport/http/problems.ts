import { ERRORS, problemType, type ErrorCode, type Problem } from '@ottr/protocol';
import { AppError, isAppError } from '../../errors/index.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** RFC 9457 problem details for an AppError. */
export function toProblem(error: AppError): Problem {
  const spec = ERRORS[error.code];
  const problem: Problem = {
    type: problemType(error.code),
    title: spec.title,
    status: spec.status,
    code: error.code,
    detail: error.message,
    retryable: spec.retryable,
  };
  if (error.retryAfter !== undefined) problem.retryAfter = error.retryAfter;
  return problem;
}

/** Fastify's own error codes that mean "the request is wrong", by the protocol code they become. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_VALIDATION: 'validation_failed',
  FST_ERR_BAD_URL: 'bad_request',
  FST_ERR_ASYNC_CONSTRAINT: 'bad_request',
  FST_ERR_NOT_FOUND: 'route_not_found',
  FST_ERR_MAX_PARAM_LENGTH: 'bad_request',
};

/** Any other Fastify error about the request (4xx), by its status. */
const BY_STATUS: Partial<Record<number, ErrorCode>> = {
  404: 'route_not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

const FASTIFY_DETAILS: Partial<Record<string, string>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body exceeds the size limit',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Send the body as application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The body size does not match Content-Length',
  FST_ERR_BAD_URL: 'The URL is malformed',
  FST_ERR_MAX_PARAM_LENGTH: 'A path parameter is too long',
};

/**
 * The one mapping from anything thrown to the wire: AppError as is; Fastify's errors about the
 * request to their protocol code; everything else is `internal` (the caller logs it — its
 * message and stack never reach the client).
 */
export function toAppError(error: unknown): { appError: AppError; internal: boolean } {
  if (isAppError(error)) return { appError: error, internal: false };
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code in FASTIFY_CODES) {
    const appCode = FASTIFY_CODES[code]!;
    const detail = FASTIFY_DETAILS[code] ?? (appCode === 'validation_failed' ? String((error as Error).message) : undefined);
    return { appError: new AppError(appCode, detail), internal: false };
  }
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof code === 'string' && code.startsWith('FST_') && typeof status === 'number' && status >= 400 && status < 500) {
    return { appError: new AppError(BY_STATUS[status] ?? 'bad_request'), internal: false };
  }
  return { appError: new AppError('internal', 'An unexpected error occurred'), internal: true };
}

/**
 * The one error vocabulary of ottr. Every failure on the wire carries one of these stable
 * codes: REST answers with RFC 9457 problem+json `{type, title, status, code, detail}`,
 * WebSocket with an `error` frame `{type:'error', id?, code, status, message, retryable}`.
 */
export const ERRORS = {
  bad_request: { status: 400, retryable: false, title: 'Bad request' },
  validation_failed: { status: 400, retryable: false, title: 'The request does not match the schema' },
  malformed_json: { status: 400, retryable: false, title: 'The body is not valid JSON' },
  unknown_frame: { status: 400, retryable: false, title: 'Unknown frame type' },
  invalid_identifier: { status: 400, retryable: false, title: 'Not a valid phone number or email address' },
  invalid_cursor: { status: 400, retryable: false, title: 'The cursor is malformed or expired' },
  content_too_large: { status: 413, retryable: false, title: 'Text or caption exceeds its limit' },
  frame_too_large: { status: 413, retryable: false, title: 'The WebSocket frame exceeds the size limit' },
  payload_too_large: { status: 413, retryable: false, title: 'The request body exceeds the size limit' },
  unsupported_media_type: { status: 415, retryable: false, title: 'Only application/json is accepted' },
  code_invalid: { status: 400, retryable: false, title: 'The code is wrong' },
  code_expired: { status: 400, retryable: false, title: 'The code has expired or was never sent; request a new one' },
  code_attempts_exceeded: { status: 429, retryable: false, title: 'Too many wrong attempts; request a new code' },
  unauthorized: { status: 401, retryable: false, title: 'Missing or invalid credentials' },
  token_expired: { status: 401, retryable: false, title: 'The access token has expired; refresh it' },
  session_revoked: { status: 401, retryable: false, title: 'This device was signed out' },
  forbidden: { status: 403, retryable: false, title: 'Not allowed' },
  account_suspended: { status: 403, retryable: false, title: 'This account is suspended' },
  not_member: { status: 403, retryable: false, title: 'Not a member of this conversation' },
  insufficient_role: { status: 403, retryable: false, title: 'Your role does not allow this' },
  not_author: { status: 403, retryable: false, title: 'Only the author may do this' },
  blocked: { status: 403, retryable: false, title: 'This account cannot message you, or you blocked it' },
  not_found: { status: 404, retryable: false, title: 'Not found' },
  route_not_found: { status: 404, retryable: false, title: 'No such route' },
  method_not_allowed: { status: 405, retryable: false, title: 'Method not allowed' },
  conflict: { status: 409, retryable: false, title: 'Conflicts with the current state' },
  already_member: { status: 409, retryable: false, title: 'Already a member' },
  group_full: { status: 409, retryable: false, title: 'The group has reached its size limit' },
  message_deleted: { status: 409, retryable: false, title: 'The message was deleted' },
  media_not_found: { status: 422, retryable: false, title: 'The referenced media does not exist or is not yours' },
  media_not_ready: { status: 409, retryable: true, title: 'The media is still being processed; retry shortly' },
  media_too_large: { status: 413, retryable: false, title: 'The file exceeds the size limit of its kind' },
  media_quota_exceeded: { status: 413, retryable: false, title: 'The upload would exceed your storage quota' },
  push_not_configured: { status: 422, retryable: false, title: 'This server does not send through that push service' },
  media_type_not_allowed: { status: 415, retryable: false, title: 'The file content is not allowed for this kind of media' },
  media_invalid: { status: 422, retryable: false, title: 'The file is damaged or cannot be processed' },
  range_not_satisfiable: { status: 416, retryable: false, title: 'The requested byte range is outside the file' },
  unprocessable: { status: 422, retryable: false, title: 'Well-formed but not acceptable' },
  rate_limited: { status: 429, retryable: true, title: 'Too many requests; slow down' },
  code_delivery_failed: { status: 502, retryable: true, title: 'The code could not be delivered' },
  internal: { status: 500, retryable: true, title: 'Internal server error' },
  unavailable: { status: 503, retryable: true, title: 'Temporarily unavailable' },
} as const satisfies Record<string, { status: number; retryable: boolean; title: string }>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

/** URI used as the RFC 9457 `type` member: stable, one per code. */
export function problemType(code: ErrorCode): string {
  return `urn:ottr:problem:${code}`;
}

/** RFC 9457 problem details as ottr sends them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  retryable: boolean;
  /** Seconds to wait before retrying (rate limits). */
  retryAfter?: number;
}

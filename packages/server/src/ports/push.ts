import type { AccountId, DeviceId, PushKind, PushPayload } from '@ottr/protocol';

/**
 * The push-provider port: hands one notification to one platform push service (Web Push, FCM,
 * APNs) for one device. Every adapter passes the one conformance suite in
 * ../testing/push-provider-conformance.ts against a local fake of its service.
 *
 * `send` never throws for what the service answered: it reports it as an outcome, and the push
 * module decides (retry with backoff, prune the target, give up). It throws only for bugs.
 * Network failures (refused, reset, timeout) are `retry`.
 */
export interface PushProvider {
  readonly kind: PushKind;
  send(target: PushTargetRecord, message: PushMessage): Promise<PushOutcome>;
  /** Releases connections (APNs keeps an HTTP/2 session). */
  close(): Promise<void>;
}

export interface PushMessage {
  /** What the app receives; `message` shows (or replaces) the conversation's notification, `clear` removes it. */
  payload: PushPayload;
  /** How long the service may hold it for an offline device. */
  ttlSeconds: number;
  /** `high` wakes the device at once (alerts); `normal` may wait (clears, badge updates). */
  urgency: 'high' | 'normal';
}

export type PushOutcome =
  /** The service accepted it. `ms`: the request's round trip. */
  | { outcome: 'sent'; ms: number }
  /** The target no longer exists (404/410, unregistered token): delete it. */
  | { outcome: 'gone'; reason: string }
  /** Throttled (429), server error (5xx) or network failure: try again later, not before `retryAfterMs` when given. */
  | { outcome: 'retry'; reason: string; retryAfterMs?: number }
  /** The service refused this request for good (bad payload, bad credentials): do not retry. */
  | { outcome: 'rejected'; reason: string };

/** A device's registration with one push service (PushStore). */
export interface PushTargetRecord {
  accountId: AccountId;
  deviceId: DeviceId;
  kind: PushKind;
  /** Web Push: the subscription endpoint URL; FCM: the registration token; APNs: the device token (hex). */
  address: string;
  /** Web Push: `p256dh` and `auth`; APNs: `topic` and `environment` (production | sandbox); FCM: none. */
  params: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

/**
 * Milliseconds to wait from a Retry-After header: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (header == null || header.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The largest payload each service accepts, in bytes of what the adapter measures (see each adapter). */
export const PUSH_PAYLOAD_LIMITS = { webpush: 3992, fcm: 4000, apns: 4096 } as const;

/**
 * Shortens `text` to at most `maxBytes` UTF-8 bytes, cutting at a code point boundary (never
 * inside a surrogate pair) and ending with '…' when anything was cut.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const budget = maxBytes - 3; // '…' is 3 bytes
  if (budget <= 0) return '';
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > budget) break;
    bytes += n;
    end += ch.length;
  }
  return `${text.slice(0, end)}…`;
}

/**
 * The payload with `body` (then `title`) shortened just enough that `encode(payload)` fits in
 * `maxBytes` UTF-8 bytes. Adapters pass their own encoding (the platform's JSON envelope), so
 * each limit is checked on what is really sent.
 */
export function fitPayload(payload: PushPayload, maxBytes: number, encode: (p: PushPayload) => string): PushPayload {
  const fits = (p: PushPayload) => Buffer.byteLength(encode(p)) <= maxBytes;
  if (fits(payload) || payload.type !== 'message') return payload;
  let fitted: Extract<PushPayload, { type: 'message' }> = payload;
  for (const field of ['body', 'title'] as const) {
    const text = fitted[field];
    const cut = (allowed: number): typeof fitted => ({ ...fitted, [field]: truncateUtf8(text, allowed) });
    if (!fits(cut(0))) {
      fitted = cut(0);
      continue;
    }
    // The longest cut that fits (JSON escaping makes the encoded cost of a character vary).
    let lo = 0;
    let hi = Buffer.byteLength(text);
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(cut(mid))) lo = mid;
      else hi = mid - 1;
    }
    return cut(lo);
  }
  return fitted;
}

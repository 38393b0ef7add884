import { PUSH_PAYLOAD_LIMITS, fitPayload, retryAfterMs, type PushMessage, type PushOutcome, type PushProvider, type PushTargetRecord } from '@ottr/server';
import { FcmAccessTokens, networkError, type FcmServiceAccount } from './fcm-auth.js';

type PushPayload = PushMessage['payload'];

export interface FcmProviderOptions {
  /** The parsed service-account JSON file of the Firebase project. */
  serviceAccount: FcmServiceAccount;
  /** Base URL of the FCM API; default https://fcm.googleapis.com (tests: a local fake). */
  endpoint?: string;
  /** Per request (token exchange, send); default 10 s. */
  timeoutMs?: number;
}

/**
 * The FCM HTTP v1 `message` for one device. Every payload field travels in `data` (FCM wants
 * strings: numbers and booleans as their JSON text) for the app to read; a `message` also
 * carries the `notification` Android shows while the app is not running, one per conversation
 * (tag), and the badge count. Both kinds collapse per conversation: of a message and the clear
 * that follows while the device is offline, FCM keeps the clear.
 */
export function fcmMessage(token: string, payload: PushPayload, message: Pick<PushMessage, 'ttlSeconds' | 'urgency'>): Record<string, unknown> {
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload)) if (value !== undefined) data[key] = String(value);
  const android: Record<string, unknown> = {
    collapse_key: payload.conversationId,
    priority: message.urgency === 'high' ? 'HIGH' : 'NORMAL',
    ttl: `${message.ttlSeconds}s`,
  };
  if (payload.type === 'clear') return { token, data, android };
  android.notification = {
    tag: payload.conversationId,
    notification_count: payload.badge,
    // Do-not-disturb hours: no sound or vibration, low in the shade (the app's channel has the last word on Android 8+).
    ...(payload.quiet && { notification_priority: 'PRIORITY_LOW', default_sound: false, default_vibrate_timings: false }),
  };
  return { token, data, notification: { title: payload.title, body: payload.body }, android };
}

interface GoogleError {
  error?: { status?: string; message?: string; details?: { '@type'?: string; errorCode?: string }[] };
}

/** What FCM's answer to a send means for the target (the answer was not 2xx). */
export function fcmOutcome(status: number, text: string, retryAfter: string | null): PushOutcome {
  let error: GoogleError['error'];
  try {
    error = (JSON.parse(text) as GoogleError).error;
  } catch {
    // not Google's JSON (a proxy's page): the status alone decides
  }
  const code = error?.details?.find((d) => d['@type']?.endsWith('google.firebase.fcm.v1.FcmError'))?.errorCode;
  const reason = `${status} ${code ?? error?.status ?? ''}: ${error?.message ?? text.slice(0, 200)}`;
  if (status === 404 || code === 'UNREGISTERED' || code === 'SENDER_ID_MISMATCH') return { outcome: 'gone', reason };
  // INVALID_ARGUMENT about the token: a malformed or truncated token never becomes valid.
  if (status === 400 && /registration token|message\.token/i.test(error?.message ?? '')) return { outcome: 'gone', reason };
  if (status === 429 || status >= 500) {
    const wait = retryAfterMs(retryAfter);
    return wait === undefined ? { outcome: 'retry', reason } : { outcome: 'retry', reason, retryAfterMs: wait };
  }
  return { outcome: 'rejected', reason };
}

/**
 * PushProvider on Firebase Cloud Messaging HTTP v1 (Android). OAuth access tokens come from the
 * service account (fcm-auth.ts); a 401 drops the cached token and the send is tried once more
 * with a new one. The `message` JSON is fitted to PUSH_PAYLOAD_LIMITS.fcm by shortening the text.
 */
export function createFcmProvider(options: FcmProviderOptions): PushProvider {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const tokens = new FcmAccessTokens(options.serviceAccount, timeoutMs);
  const url = `${(options.endpoint ?? 'https://fcm.googleapis.com').replace(/\/+$/, '')}/v1/projects/${encodeURIComponent(options.serviceAccount.project_id)}/messages:send`;
  new URL(url); // a malformed endpoint is a startup error, not a retry of every send

  async function post(accessToken: string, body: string): Promise<{ status: number; text: string; retryAfter: string | null }> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json; charset=utf-8' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, text: await res.text(), retryAfter: res.headers.get('retry-after') };
  }

  return {
    kind: 'fcm',
    async send(target: PushTargetRecord, message: PushMessage): Promise<PushOutcome> {
      const started = performance.now();
      const payload = fitPayload(message.payload, PUSH_PAYLOAD_LIMITS.fcm, (p) => JSON.stringify(fcmMessage(target.address, p, message)));
      const body = JSON.stringify({ message: fcmMessage(target.address, payload, message) });
      for (let attempt = 1; ; attempt++) {
        const auth = await tokens.get();
        if ('failure' in auth) return auth.failure;
        let res: Awaited<ReturnType<typeof post>>;
        try {
          res = await post(auth.token, body);
        } catch (err) {
          return { outcome: 'retry', reason: networkError(err) };
        }
        if (res.status >= 200 && res.status < 300) return { outcome: 'sent', ms: Math.round(performance.now() - started) };
        if (res.status === 401 && attempt === 1) {
          tokens.drop(auth.token);
          continue;
        }
        return fcmOutcome(res.status, res.text, res.retryAfter);
      }
    },
    close: () => Promise.resolve(),
  };
}

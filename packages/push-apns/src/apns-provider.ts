import { PUSH_PAYLOAD_LIMITS, fitPayload, retryAfterMs, type PushMessage, type PushOutcome, type PushProvider, type PushTargetRecord } from '@ottr/server';
import { Http2Sessions, UnprocessedError, type ApnsResponse } from './apns-sessions.js';
import { ApnsProviderToken } from './apns-token.js';

type PushPayload = PushMessage['payload'];

export interface ApnsProviderOptions {
  /** The .p8 key file's content (EC P-256 private key, PKCS#8 PEM). */
  key: string;
  /** The key's 10-character id. */
  keyId: string;
  /** The 10-character Apple developer team id. */
  teamId: string;
  /** The app's bundle id: apns-topic of targets that do not name their own. */
  topic: string;
  /** Defaults https://api.push.apple.com and https://api.sandbox.push.apple.com (tests: a local fake). */
  endpoints?: { production?: string; sandbox?: string };
  /** Per request, without activity; default 10 s. */
  timeoutMs?: number;
}

/**
 * The APNs JSON body: `aps` holds what iOS acts on by itself, the other payload fields sit beside
 * it for the app. A `message` is an alert (one per conversation: thread-id; mutable-content lets
 * the notification service extension rewrite it); a `clear` is a background push that only sets
 * the badge and wakes the app to remove the conversation's notification.
 */
export function apnsBody(payload: PushPayload): Record<string, unknown> {
  if (payload.type === 'clear') {
    const { badge, ...rest } = payload;
    return { aps: { 'content-available': 1, badge }, ...rest };
  }
  const { title, body, badge, ...rest } = payload;
  // Do-not-disturb hours: no sound, and iOS 15+ puts it in the list without lighting the screen.
  const sound = payload.quiet ? { 'interruption-level': 'passive' } : { sound: 'default' };
  return { aps: { alert: { title, body }, badge, ...sound, 'thread-id': payload.conversationId, 'mutable-content': 1 }, ...rest };
}

/** What APNs's answer means for the target. */
export function apnsOutcome(res: ApnsResponse, ms: number): PushOutcome {
  if (res.status === 200) return { outcome: 'sent', ms };
  let reason = '';
  try {
    const said = (JSON.parse(res.body) as { reason?: unknown }).reason;
    if (typeof said === 'string') reason = said;
  } catch {
    // no JSON body: the status alone decides
  }
  const said = `${res.status} ${reason}`.trim();
  if (res.status === 410 || reason === 'BadDeviceToken' || reason === 'DeviceTokenNotForTopic') return { outcome: 'gone', reason: said };
  if (res.status === 429 || res.status >= 500) {
    const header = res.headers['retry-after'];
    const wait = retryAfterMs(typeof header === 'string' ? header : undefined);
    return wait === undefined ? { outcome: 'retry', reason: said } : { outcome: 'retry', reason: said, retryAfterMs: wait };
  }
  return { outcome: 'rejected', reason: said };
}

/**
 * PushProvider on the Apple Push Notification service: HTTP/2 with token-based auth. Targets
 * carry `topic` (else the configured one) and `environment` (`sandbox` for development builds,
 * else production), which picks the endpoint. An ExpiredProviderToken answer gets a new provider
 * token and one more try. Priority: 10 for an alert of high urgency, else 5 (a quiet alert may
 * wait for the device's power; background pushes must be 5).
 */
export function createApnsProvider(options: ApnsProviderOptions): PushProvider {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const token = new ApnsProviderToken(options.key, options.keyId, options.teamId);
  const sessions = new Http2Sessions();
  // Parsed now: a malformed URL is a startup error.
  const origins = {
    production: new URL(options.endpoints?.production ?? 'https://api.push.apple.com').origin,
    sandbox: new URL(options.endpoints?.sandbox ?? 'https://api.sandbox.push.apple.com').origin,
  };

  return {
    kind: 'apns',
    async send(target: PushTargetRecord, message: PushMessage): Promise<PushOutcome> {
      const started = performance.now();
      const payload = fitPayload(message.payload, PUSH_PAYLOAD_LIMITS.apns, (p) => JSON.stringify(apnsBody(p)));
      const alert = payload.type === 'message';
      const origin = target.params.environment === 'sandbox' ? origins.sandbox : origins.production;
      const body = JSON.stringify(apnsBody(payload));
      // One more try after a new provider token, and one on a new connection when APNs went away
      // before it took the request (it closes idle connections).
      let renewed = false;
      let reconnected = false;
      for (;;) {
        const jwt = await token.get();
        const headers = {
          ':path': `/3/device/${encodeURIComponent(target.address)}`,
          authorization: `bearer ${jwt}`,
          'apns-topic': target.params.topic || options.topic,
          'apns-push-type': alert ? 'alert' : 'background',
          'apns-priority': alert && message.urgency === 'high' ? '10' : '5',
          'apns-expiration': String(Math.floor(Date.now() / 1000) + message.ttlSeconds),
          ...(alert ? { 'apns-collapse-id': payload.conversationId } : {}),
          'content-type': 'application/json',
        };
        let res: ApnsResponse;
        try {
          res = await sessions.request(origin, headers, body, timeoutMs);
        } catch (err) {
          if (err instanceof UnprocessedError && !reconnected) {
            reconnected = true;
            continue;
          }
          return { outcome: 'retry', reason: `network: ${(err as { code?: string }).code ?? (err as Error).message}` };
        }
        if (res.status === 403 && !renewed && res.body.includes('ExpiredProviderToken')) {
          renewed = true;
          token.expire(jwt);
          continue;
        }
        return apnsOutcome(res, Math.round(performance.now() - started));
      }
    },
    close: () => sessions.close(),
  };
}

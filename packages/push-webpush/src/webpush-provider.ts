import { createHash } from 'node:crypto';
import { fitPayload, PUSH_PAYLOAD_LIMITS, retryAfterMs, type PushMessage, type PushOutcome, type PushProvider, type PushTargetRecord } from '@ottr/server';
import webpush from 'web-push';

export interface WebPushProviderOptions {
  /** The application server's VAPID key pair (base64url, as `generateVapidKeys()` gives it) and contact. */
  vapid: {
    publicKey: string;
    privateKey: string;
    /** A `mailto:` or `https:` URL the push service operator can reach you at. */
    subject: string;
  };
  /** How long one request may take before it counts as a network failure (retry). Default 10 s. */
  timeoutMs?: number;
}

/** A new VAPID key pair (P-256, base64url): generated once per deployment and kept. */
export function generateVapidKeys(): { publicKey: string; privateKey: string } {
  return webpush.generateVAPIDKeys();
}

const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The Web Push `Topic` (RFC 8030 §5.4: at most 32 base64url characters) of a conversation: a
 * newer push with the same topic replaces one still waiting for an offline browser. It is the
 * conversation id itself when that fits (a `cnv_…` id is 30 base64url characters), otherwise the
 * first 32 characters of the base64url SHA-256 of the id — the same for every push of a conversation.
 */
export function webPushTopic(conversationId: string): string {
  if (TOPIC.test(conversationId)) return conversationId;
  return createHash('sha256').update(conversationId).digest('base64url').slice(0, 32);
}

/**
 * The push provider on Web Push (RFC 8030): the payload is encrypted for the browser's
 * subscription (RFC 8291, aes128gcm) and signed with the server's VAPID key (RFC 8292) by the
 * web-push package; the request goes out with fetch, to whatever origin the endpoint names.
 *
 * Each push carries the JSON of the PushPayload (fitted to PUSH_PAYLOAD_LIMITS.webpush bytes,
 * which leaves room for the encryption header, tag and padding in one 4096-byte record), the TTL,
 * the Urgency, and the conversation's Topic (see webPushTopic).
 */
export function createWebPushProvider(options: WebPushProviderOptions): PushProvider {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const vapidDetails = { ...options.vapid };
  // Fails at startup, not at the first push, on a malformed key or subject.
  webpush.generateRequestDetails({ endpoint: 'https://push.invalid/check', keys: { p256dh: '', auth: '' } }, null, { vapidDetails });

  return {
    kind: 'webpush',

    async send(target: PushTargetRecord, message: PushMessage): Promise<PushOutcome> {
      const payload = fitPayload(message.payload, PUSH_PAYLOAD_LIMITS.webpush, (p) => JSON.stringify(p));
      let request: ReturnType<typeof webpush.generateRequestDetails>;
      try {
        request = webpush.generateRequestDetails(
          { endpoint: target.address, keys: { p256dh: target.params.p256dh ?? '', auth: target.params.auth ?? '' } },
          JSON.stringify(payload),
          { vapidDetails, TTL: message.ttlSeconds, urgency: message.urgency, topic: topicOf(payload), contentEncoding: 'aes128gcm' },
        );
      } catch (err) {
        // The subscription's keys cannot be used (not a P-256 point, wrong lengths): it can never work.
        return { outcome: 'gone', reason: `unusable subscription: ${(err as Error).message}` };
      }

      const started = performance.now();
      let res: Response;
      try {
        res = await fetch(request.endpoint, {
          method: 'POST',
          headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])),
          body: request.body === null ? null : new Uint8Array(request.body),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'manual',
        });
      } catch (err) {
        return { outcome: 'retry', reason: `network: ${causeOf(err)}` };
      }
      const ms = Math.round(performance.now() - started);
      const text = await head(res, 200);
      const reason = `${res.status}${text ? `: ${text}` : ''}`;

      if (res.status === 200 || res.status === 201 || res.status === 202) return { outcome: 'sent', ms };
      if (res.status === 404 || res.status === 410) return { outcome: 'gone', reason };
      if (res.status === 429 || res.status >= 500) {
        const after = retryAfterMs(res.headers.get('retry-after'));
        return after === undefined ? { outcome: 'retry', reason } : { outcome: 'retry', reason, retryAfterMs: after };
      }
      // 400 (malformed), 401/403 (VAPID refused), 413 (too large), redirects and the rest: retrying will not help.
      return { outcome: 'rejected', reason };
    },

    async close(): Promise<void> {
      // fetch keeps no connection of ours open beyond its global pool.
    },
  };
}

function topicOf(payload: PushMessage['payload']): string {
  return webPushTopic(payload.conversationId);
}

/**
 * The first `max` characters of the response body, for the log; the rest is not read (the
 * endpoint is the browser's choice: it must not make the server buffer a large answer).
 */
async function head(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < max) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // a body cut short (reset, timeout) still leaves the status to go by
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text.slice(0, max).trim();
}

/** The most useful text of a fetch failure: undici puts the system error (ECONNREFUSED, …) in `cause`. */
function causeOf(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'timed out';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

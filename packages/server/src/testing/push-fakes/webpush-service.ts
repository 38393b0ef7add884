import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { WebPushTarget } from '@ottr/protocol';
import { Inbox } from './inbox.js';

/** The part of http_ece (RFC 8188 encrypted content coding; it ships no types) that the fake uses. */
interface HttpEce {
  decrypt(buffer: Buffer, params: { version: 'aes128gcm'; privateKey: ECDH; authSecret: string }): Buffer;
}
const ece = createRequire(import.meta.url)('http_ece') as HttpEce;

/** A push the fake accepted: decrypted, its VAPID signature checked. */
export interface WebPushReceived {
  endpoint: string;
  headers: IncomingHttpHeaders;
  /** The decrypted body, parsed as JSON. */
  payload: unknown;
  /** The `k` of the Authorization header (the application server's public key, base64url). */
  vapidPublicKey: string;
}

export interface WebPushError {
  endpoint: string;
  status: number;
  reason: string;
}

export interface FakeWebPushService {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Accepted pushes, oldest first. */
  readonly received: WebPushReceived[];
  /** Requests refused as invalid (400/413): a correct adapter leaves this empty. */
  readonly errors: WebPushError[];
  /** A new subscription, as a browser's `PushSubscription.toJSON()` gives it. */
  subscribe(): WebPushTarget;
  /** The subscription expires: pushes to it get 410 Gone. */
  unsubscribe(endpoint: string): void;
  /** The next request (to any endpoint) is answered with `status` and `headers`, once each call, in order. */
  failNext(status: number, headers?: Record<string, string>): void;
  /** Resolves once `received` holds at least `n` pushes; rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs?: number): Promise<WebPushReceived[]>;
  /** Forgets received pushes and errors. */
  clear(): void;
  close(): Promise<void>;
}

/** RFC 8030 §5.4: a Topic is at most 32 characters of the base64url alphabet. */
const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;
const URGENCIES = new Set(['very-low', 'low', 'normal', 'high']);
/** RFC 8030 §7.2: a push service must accept at least 4096 bytes; real ones refuse more with 413. */
const MAX_BODY = 4096;
const DAY_S = 24 * 3600;

interface Subscription {
  ecdh: ECDH;
  auth: string;
  gone: boolean;
}

class Invalid extends Error {
  constructor(
    readonly status: number,
    reason: string,
  ) {
    super(reason);
  }
}

/**
 * A local Web Push service (RFC 8030) for tests: plain HTTP on 127.0.0.1, a random port. It checks
 * what a real one checks — aes128gcm content encoding (RFC 8291, decrypted with http_ece), the
 * TTL, Urgency and Topic headers, the VAPID Authorization (RFC 8292, an ES256 JWT verified with
 * node:crypto, independently of the libraries the adapter uses) — and answers 201.
 */
export async function startFakeWebPushService(): Promise<FakeWebPushService> {
  const subscriptions = new Map<string, Subscription>();
  const inbox = new Inbox<WebPushReceived>('fake Web Push service', 'pushes', () => errors);
  const received = inbox.items;
  const errors: WebPushError[] = [];
  const failures: { status: number; headers: Record<string, string> }[] = [];

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const endpoint = `${origin}${req.url ?? ''}`;
    const failure = failures.shift();
    if (failure) {
      res.writeHead(failure.status, failure.headers).end();
      return;
    }
    const sub = subscriptions.get(endpoint);
    if (req.method !== 'POST' || !sub) {
      res.writeHead(404).end('no such subscription');
      return;
    }
    if (sub.gone) {
      res.writeHead(410).end('subscription expired');
      return;
    }
    try {
      const vapidPublicKey = checkHeaders(req.headers, body, origin);
      let plain: Buffer;
      try {
        plain = ece.decrypt(body, { version: 'aes128gcm', privateKey: sub.ecdh, authSecret: sub.auth });
      } catch (err) {
        throw new Invalid(400, `cannot decrypt: ${(err as Error).message}`);
      }
      let payload: unknown;
      try {
        payload = JSON.parse(plain.toString('utf8'));
      } catch {
        throw new Invalid(400, 'the decrypted body is not JSON');
      }
      inbox.add({ endpoint, headers: req.headers, payload, vapidPublicKey });
        res.writeHead(201, { location: `${origin}/message/${randomBytes(8).toString('hex')}` }).end();
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      errors.push({ endpoint, status: err.status, reason: err.message });
      res.writeHead(err.status, { 'content-type': 'text/plain' }).end(err.message);
    }
  }

  return {
    origin,
    received,
    errors,
    subscribe() {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16).toString('base64url');
      const endpoint = `${origin}/push/${randomBytes(12).toString('base64url')}`;
      subscriptions.set(endpoint, { ecdh, auth, gone: false });
      return { endpoint, expirationTime: null, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth } };
    },
    unsubscribe(endpoint) {
      const sub = subscriptions.get(endpoint);
      if (sub) sub.gone = true;
    },
    failNext(status, headers = {}) {
      failures.push({ status, headers });
    },
    waitFor: (n, timeoutMs = 5000) => inbox.waitFor(n, timeoutMs),
    clear() {
      received.length = 0;
      errors.length = 0;
    },
    async close() {
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Checks the headers and the VAPID JWT of one push; returns the VAPID public key (`k`). */
function checkHeaders(headers: IncomingHttpHeaders, body: Buffer, origin: string): string {
  if (headers['content-encoding'] !== 'aes128gcm') throw new Invalid(400, `Content-Encoding must be aes128gcm, got ${String(headers['content-encoding'])}`);
  if (body.length > MAX_BODY) throw new Invalid(413, `payload of ${body.length} bytes is larger than ${MAX_BODY}`);
  const ttl = headers.ttl;
  if (typeof ttl !== 'string' || !/^\d+$/.test(ttl)) throw new Invalid(400, `TTL header missing or not an integer: ${String(ttl)}`);
  const urgency = headers.urgency;
  if (urgency !== undefined && (typeof urgency !== 'string' || !URGENCIES.has(urgency))) throw new Invalid(400, `bad Urgency: ${String(urgency)}`);
  const topic = headers.topic;
  if (topic !== undefined && (typeof topic !== 'string' || !TOPIC.test(topic))) throw new Invalid(400, `bad Topic (≤ 32 base64url characters): ${String(topic)}`);

  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(headers.authorization ?? '');
  if (!m) throw new Invalid(401, `Authorization must be "vapid t=<JWT>, k=<key>": ${headers.authorization}`);
  const [, jwt, k] = m as unknown as [string, string, string];
  const [head, claims, signature] = jwt.split('.');
  if (head === undefined || claims === undefined || signature === undefined) throw new Invalid(401, 'the VAPID JWT has not three parts');
  const header = parseJson(head);
  if (header.alg !== 'ES256') throw new Invalid(401, `the VAPID JWT alg must be ES256, got ${String(header.alg)}`);
  const point = Buffer.from(k, 'base64url');
  if (point.length !== 65 || point[0] !== 4) throw new Invalid(401, 'k is not an uncompressed P-256 point');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
    format: 'jwk',
  });
  const signed = Buffer.from(`${head}.${claims}`);
  if (!verify('sha256', signed, { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))) {
    throw new Invalid(403, 'the VAPID JWT signature does not verify against k');
  }
  const c = parseJson(claims);
  if (c.aud !== origin) throw new Invalid(403, `the VAPID aud must be ${origin}, got ${String(c.aud)}`);
  const now = Math.floor(Date.now() / 1000);
  if (typeof c.exp !== 'number' || c.exp <= now) throw new Invalid(403, 'the VAPID JWT has expired (or has no exp)');
  if (c.exp > now + DAY_S + 60) throw new Invalid(403, 'the VAPID exp is more than 24 hours ahead');
  if (typeof c.sub !== 'string' || !/^(mailto:|https:)/.test(c.sub)) throw new Invalid(403, `the VAPID sub must be a mailto: or https: URL, got ${String(c.sub)}`);
  return k;
}

function parseJson(part: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (value && typeof value === 'object') return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new Invalid(401, 'a part of the VAPID JWT is not base64url JSON');
}

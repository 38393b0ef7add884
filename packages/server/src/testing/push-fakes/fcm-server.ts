import { generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inbox } from './inbox.js';

/** What a Google service-account JSON file holds (the fields FCM needs). */
export interface FcmServiceAccountJson {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  /** PKCS#8 PEM. */
  private_key: string;
  client_email: string;
  token_uri: string;
}

/** A message the fake accepted. */
export interface FakeFcmMessage {
  token: string;
  /** The `message` object as sent (data, notification, android, …). */
  message: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  receivedAt: number;
}

export interface FakeFcm {
  readonly serviceAccount: FcmServiceAccountJson;
  /** Use instead of https://fcm.googleapis.com. */
  readonly endpoint: string;
  readonly received: FakeFcmMessage[];
  /** Every request refused for its shape or credentials (not the scripted failures): tests assert it stays empty. */
  readonly errors: string[];
  /** POSTs to /token answered with an access token. */
  readonly tokenRequests: number;
  /** A registration token the fake delivers to. */
  registerToken(): string;
  /** Later sends to `token` answer 404 UNREGISTERED. */
  unregisterToken(token: string): void;
  /**
   * The next messages:send answers `status` (default bodies as FCM's: 404 UNREGISTERED,
   * 429 QUOTA_EXCEEDED, 500 INTERNAL, 503 UNAVAILABLE, 400 INVALID_ARGUMENT, 401
   * UNAUTHENTICATED, 403 SENDER_ID_MISMATCH). Queued: several calls fail several sends.
   */
  failNext(status: number, options?: { body?: unknown; headers?: Record<string, string> }): void;
  /** The next POST /token answers `status` (400 invalid_grant, 5xx server error). */
  failNextToken(status: number): void;
  /** Access tokens issued so far stop working (answer 401), as after a revocation or expiry. */
  revokeAccessTokens(): void;
  /** Resolves with `received` once it holds `n` messages; rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs?: number): Promise<FakeFcmMessage[]>;
  clear(): void;
  close(): Promise<void>;
}

export interface FakeFcmOptions {
  /** `expires_in` of the access tokens it issues (default 3600); they stop working after it. */
  accessTokenTtlSeconds?: number;
}

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const FCM_ERROR = 'type.googleapis.com/google.firebase.fcm.v1.FcmError';
const MESSAGE_KEYS = new Set(['name', 'data', 'notification', 'android', 'webpush', 'apns', 'fcm_options', 'token', 'topic', 'condition']);
const NOTIFICATION_KEYS = new Set(['title', 'body', 'image']);
const ANDROID_KEYS = new Set(['collapse_key', 'priority', 'ttl', 'restricted_package_name', 'data', 'notification', 'fcm_options', 'direct_boot_ok']);
const ANDROID_NOTIFICATION_KEYS = new Set([
  'title', 'body', 'icon', 'color', 'sound', 'tag', 'click_action', 'body_loc_key', 'body_loc_args', 'title_loc_key', 'title_loc_args',
  'channel_id', 'ticker', 'sticky', 'event_time', 'local_only', 'notification_priority', 'default_sound', 'default_vibrate_timings',
  'default_light_settings', 'vibrate_timings', 'visibility', 'notification_count', 'light_settings', 'image',
]);
/** FCM's limit on a message (it measures the payload; the fake measures the whole `message` JSON, which is stricter). */
const MAX_MESSAGE_BYTES = 4096;

/** Google's error body: {error: {code, message, status, details}}. */
function googleError(code: number, status: string, message: string, errorCode?: string): unknown {
  return { error: { code, message, status, details: errorCode ? [{ '@type': FCM_ERROR, errorCode }] : [] } };
}

const DEFAULT_FAILURES: Record<number, unknown> = {
  400: googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', 'INVALID_ARGUMENT'),
  401: googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'),
  403: googleError(403, 'PERMISSION_DENIED', 'SenderId mismatch', 'SENDER_ID_MISMATCH'),
  404: googleError(404, 'NOT_FOUND', 'Requested entity was not found.', 'UNREGISTERED'),
  429: googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded.', 'QUOTA_EXCEEDED'),
  500: googleError(500, 'INTERNAL', 'Internal error encountered.', 'INTERNAL'),
  503: googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.', 'UNAVAILABLE'),
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why `message` is not a valid FCM v1 message, or null. */
function shapeError(message: unknown): string | null {
  if (!isRecord(message)) return 'message: not an object';
  for (const key of Object.keys(message)) if (!MESSAGE_KEYS.has(key)) return `message.${key}: unknown field`;
  if (['token', 'topic', 'condition'].filter((k) => k in message).length !== 1) return 'message: exactly one of token, topic, condition';
  if (typeof message.token !== 'string') return 'message.token: a string is required (the fake supports token targets only)';
  if ('data' in message) {
    if (!isRecord(message.data)) return 'message.data: not a map';
    for (const [k, v] of Object.entries(message.data)) {
      if (typeof v !== 'string') return `message.data.${k}: value is not a string`;
      if (k === 'from' || k === 'message_type' || /^(google|gcm)(\.|$)/.test(k)) return `message.data.${k}: reserved key`;
    }
  }
  if ('notification' in message) {
    if (!isRecord(message.notification)) return 'message.notification: not an object';
    for (const [k, v] of Object.entries(message.notification)) {
      if (!NOTIFICATION_KEYS.has(k)) return `message.notification.${k}: unknown field`;
      if (typeof v !== 'string') return `message.notification.${k}: not a string`;
    }
  }
  if ('android' in message) {
    const android = message.android;
    if (!isRecord(android)) return 'message.android: not an object';
    for (const k of Object.keys(android)) if (!ANDROID_KEYS.has(k)) return `message.android.${k}: unknown field`;
    if ('priority' in android && android.priority !== 'NORMAL' && android.priority !== 'HIGH') return 'message.android.priority: NORMAL or HIGH';
    if ('ttl' in android && (typeof android.ttl !== 'string' || !/^\d+(\.\d{1,9})?s$/.test(android.ttl))) return 'message.android.ttl: a duration like "3.5s"';
    if ('collapse_key' in android && typeof android.collapse_key !== 'string') return 'message.android.collapse_key: not a string';
    if ('notification' in android) {
      if (!isRecord(android.notification)) return 'message.android.notification: not an object';
      for (const [k, v] of Object.entries(android.notification)) {
        if (!ANDROID_NOTIFICATION_KEYS.has(k)) return `message.android.notification.${k}: unknown field`;
        if (k === 'notification_count' && !(Number.isInteger(v) && (v as number) >= 0)) return 'message.android.notification.notification_count: not a count';
      }
    }
  }
  if (Buffer.byteLength(JSON.stringify(message)) > MAX_MESSAGE_BYTES) return `message: larger than ${MAX_MESSAGE_BYTES} bytes`;
  return null;
}

/** Why `assertion` is not a valid RS256 service-account JWT for this fake, or null. */
function assertionError(assertion: string, publicKey: KeyObject, email: string, tokenUri: string): string | null {
  const parts = assertion.split('.');
  if (parts.length !== 3) return 'assertion: not a JWT';
  const [h, p, s] = parts as [string, string, string];
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
    claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  } catch {
    return 'assertion: header or claims are not JSON';
  }
  if (header.alg !== 'RS256') return `assertion: alg ${String(header.alg)}, expected RS256`;
  if (!verify('sha256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, 'base64url'))) return 'assertion: bad signature';
  if (claims.iss !== email) return `assertion: iss ${String(claims.iss)}, expected ${email}`;
  if (claims.aud !== tokenUri) return `assertion: aud ${String(claims.aud)}, expected ${tokenUri}`;
  if (typeof claims.scope !== 'string' || !claims.scope.split(' ').includes(SCOPE)) return `assertion: scope lacks ${SCOPE}`;
  const { iat, exp } = claims;
  if (typeof iat !== 'number' || typeof exp !== 'number') return 'assertion: iat and exp are required numbers';
  const now = Date.now() / 1000;
  if (exp - iat > 3600) return 'assertion: exp - iat is more than 3600 s';
  if (exp <= now) return 'assertion: expired';
  if (iat > now + 60) return 'assertion: iat in the future';
  return null;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

/**
 * A local stand-in for FCM HTTP v1 and Google's OAuth token endpoint, on 127.0.0.1 (plain HTTP).
 * It checks what the real services check and what ottr relies on: the service-account JWT
 * (RS256, verified with node:crypto), bearer tokens it issued, the v1 message shape (known
 * fields only, every data value a string), registration tokens. What it accepts it records.
 */
export async function startFakeFcm(options: FakeFcmOptions = {}): Promise<FakeFcm> {
  const ttl = options.accessTokenTtlSeconds ?? 3600;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const projectId = `ottr-test-${randomBytes(3).toString('hex')}`;
  const inbox = new Inbox<FakeFcmMessage>('fake FCM', 'messages', () => errors);
  const received = inbox.items;
  const errors: string[] = [];
  const registered = new Set<string>();
  /** Access token → when it stops working (ms). */
  const accessTokens = new Map<string, number>();
  const failures: { status: number; body?: unknown; headers?: Record<string, string> }[] = [];
  const tokenFailures: number[] = [];
  let tokenRequests = 0;
  let messageCount = 0;

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers }).end(JSON.stringify(body));
  const refuse = (res: ServerResponse, status: number, body: unknown, reason: string) => {
    errors.push(reason);
    json(res, status, body);
  };

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const failure = tokenFailures.shift();
    if (failure !== undefined) {
      json(res, failure, failure < 500 ? { error: 'invalid_grant', error_description: 'scripted failure' } : { error: 'internal_failure' });
      return;
    }
    if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      refuse(res, 400, { error: 'invalid_request', error_description: 'form-encoded body expected' }, 'token: content-type is not application/x-www-form-urlencoded');
      return;
    }
    const form = new URLSearchParams(raw);
    if (form.get('grant_type') !== GRANT_TYPE) {
      refuse(res, 400, { error: 'unsupported_grant_type' }, `token: grant_type ${form.get('grant_type')}`);
      return;
    }
    const why = assertionError(form.get('assertion') ?? '', publicKey, serviceAccount.client_email, serviceAccount.token_uri);
    if (why) {
      refuse(res, 400, { error: 'invalid_grant', error_description: why }, `token: ${why}`);
      return;
    }
    tokenRequests++;
    const accessToken = `ya29.${randomBytes(24).toString('base64url')}`;
    accessTokens.set(accessToken, Date.now() + ttl * 1000);
    json(res, 200, { access_token: accessToken, expires_in: ttl, token_type: 'Bearer' });
  }

  async function send(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const failure = failures.shift();
    if (failure) {
      json(res, failure.status, failure.body ?? DEFAULT_FAILURES[failure.status] ?? googleError(failure.status, 'UNKNOWN', 'scripted failure'), failure.headers);
      return;
    }
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const until = bearer === undefined ? undefined : accessTokens.get(bearer);
    if (until === undefined || until <= Date.now()) {
      refuse(res, 401, DEFAULT_FAILURES[401], `send: ${bearer === undefined ? 'no bearer token' : 'unknown or expired access token'}`);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      refuse(res, 400, googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.'), 'send: body is not JSON');
      return;
    }
    const extra = isRecord(body) ? Object.keys(body).filter((k) => k !== 'message' && k !== 'validate_only') : [];
    const why = !isRecord(body) ? 'body: not an object' : extra.length > 0 ? `body.${extra[0]}: unknown field` : shapeError(body.message);
    if (why) {
      refuse(res, 400, googleError(400, 'INVALID_ARGUMENT', why, 'INVALID_ARGUMENT'), `send: ${why}`);
      return;
    }
    const message = (body as { message: Record<string, unknown> }).message;
    const token = message.token as string;
    if (!/^[\w:-]+$/.test(token)) {
      refuse(res, 400, googleError(400, 'INVALID_ARGUMENT', 'The registration token is not a valid FCM registration token', 'INVALID_ARGUMENT'), 'send: malformed registration token');
      return;
    }
    if (!registered.has(token)) {
      json(res, 404, DEFAULT_FAILURES[404]); // as FCM answers for an uninstalled app: not a shape error
      return;
    }
    inbox.add({ token, message, headers: req.headers, receivedAt: Date.now() });
    json(res, 200, { name: `projects/${projectId}/messages/${++messageCount}` });
  }

  const server = createServer((req, res) => {
    const path = req.url ?? '';
    const handle =
      req.method === 'POST' && path === '/token' ? token(req, res)
      : req.method === 'POST' && path === `/v1/projects/${projectId}/messages:send` ? send(req, res)
      : Promise.resolve(refuse(res, 404, googleError(404, 'NOT_FOUND', `no route ${req.method} ${path}`), `no route ${req.method} ${path}`));
    handle.catch((err: unknown) => {
      errors.push(`fake failed: ${String(err)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const serviceAccount: FcmServiceAccountJson = {
    type: 'service_account',
    project_id: projectId,
    private_key_id: randomBytes(20).toString('hex'),
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: `ottr-push@${projectId}.iam.gserviceaccount.com`,
    token_uri: `${endpoint}/token`,
  };

  return {
    serviceAccount,
    endpoint,
    received,
    errors,
    get tokenRequests() {
      return tokenRequests;
    },
    registerToken() {
      const token = `${randomBytes(16).toString('base64url')}:APA91b${randomBytes(96).toString('base64url')}`;
      registered.add(token);
      return token;
    },
    unregisterToken: (token) => void registered.delete(token),
    failNext: (status, opts = {}) => void failures.push({ status, ...opts }),
    failNextToken: (status) => void tokenFailures.push(status),
    revokeAccessTokens: () => accessTokens.clear(),
    waitFor: (n, timeoutMs = 10_000) => inbox.waitFor(n, timeoutMs),
    clear() {
      received.length = 0;
      errors.length = 0;
      failures.length = 0;
      tokenFailures.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

import { createPublicKey, generateKeyPairSync, randomBytes, randomUUID, verify, type KeyObject } from 'node:crypto';
import { constants, createServer, type Http2ServerRequest, type Http2ServerResponse, type Http2Session, type IncomingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { Inbox } from './inbox.js';

/** A notification the fake accepted. */
export interface FakeApnsNotification {
  /** The device token (hex) from the path. */
  token: string;
  headers: IncomingHttpHeaders;
  /** The JSON body: `aps` and the app's own keys. */
  body: Record<string, unknown>;
  receivedAt: number;
}

/** What an Apple developer account gives for token-based auth: the .p8 key, its id, the team id. */
export interface ApnsCredentials {
  /** EC P-256 private key, PKCS#8 PEM (the content of AuthKey_<keyId>.p8). */
  key: string;
  /** 10 characters. */
  keyId: string;
  /** 10 characters. */
  teamId: string;
}

export interface FakeApns extends ApnsCredentials {
  /** The bundle id that registerToken() tokens belong to by default. */
  readonly topic: string;
  /** `http://127.0.0.1:<port>`: HTTP/2 without TLS (connect with `http2.connect(endpoint)`). */
  readonly endpoint: string;
  readonly received: FakeApnsNotification[];
  /** Every request refused for its shape or credentials (not the scripted failures): tests assert it stays empty. */
  readonly errors: string[];
  /** How many different provider JWTs it has seen (a provider should reuse one for 20–60 min). */
  readonly providerTokens: number;
  /** HTTP/2 connections opened to it so far (a provider should keep one open). */
  readonly connections: number;
  /**
   * The next `count` requests (default 1) are refused unprocessed, as by a server going away: a
   * GOAWAY that excludes the request, its stream reset with REFUSED_STREAM, the connection closed.
   */
  refuseNextStream(count?: number): void;
  /** Closes the open connections (GOAWAY), as APNs does to idle ones; resolves once they are closed. */
  dropConnections(): Promise<void>;
  /** A device token (64 hex digits) the fake delivers to, for `topic` (default: the fake's). */
  registerToken(topic?: string): string;
  /** Later sends to `token` answer 410 Unregistered. */
  unregisterToken(token: string): void;
  /**
   * The next request answers `status` with `{reason}` (defaults as Apple's: 400 BadDeviceToken,
   * 403 ExpiredProviderToken, 410 Unregistered, 413 PayloadTooLarge, 429 TooManyRequests,
   * 500 InternalServerError, 503 ServiceUnavailable). Queued.
   */
  failNext(status: number, reason?: string, headers?: Record<string, string>): void;
  /** The provider JWTs seen so far answer 403 ExpiredProviderToken from now on. */
  expireProviderTokens(): void;
  /** Resolves with `received` once it holds `n` notifications; rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs?: number): Promise<FakeApnsNotification[]>;
  clear(): void;
  close(): Promise<void>;
}

export interface FakeApnsOptions {
  /** Default `com.example.ottr`. */
  topic?: string;
  /** Reuse another fake's credentials (e.g. one fake for production, one for sandbox). */
  credentials?: ApnsCredentials;
}

const DEFAULT_REASONS: Record<number, string> = {
  400: 'BadDeviceToken',
  403: 'ExpiredProviderToken',
  404: 'BadPath',
  405: 'MethodNotAllowed',
  410: 'Unregistered',
  413: 'PayloadTooLarge',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};
const MAX_BODY_BYTES = 4096;
const HOUR_S = 3600;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};
const tenChars = () => randomBytes(8).toString('base64url').replace(/[-_]/g, 'X').slice(0, 10).toUpperCase();

/** Why the provider token is refused (403 reason and detail), or null. */
function jwtError(jwt: string, publicKey: KeyObject, creds: ApnsCredentials): { reason: string; detail: string } | null {
  const invalid = (detail: string) => ({ reason: 'InvalidProviderToken', detail });
  const parts = jwt.split('.');
  if (parts.length !== 3) return invalid('not a JWT');
  const [h, p, s] = parts as [string, string, string];
  let head: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    head = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
    claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  } catch {
    return invalid('header or claims are not JSON');
  }
  if (head.alg !== 'ES256') return invalid(`alg ${String(head.alg)}, expected ES256`);
  if (head.kid !== creds.keyId) return invalid(`kid ${String(head.kid)}, expected ${creds.keyId}`);
  if (!verify('sha256', Buffer.from(`${h}.${p}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'))) return invalid('bad signature');
  if (claims.iss !== creds.teamId) return invalid(`iss ${String(claims.iss)}, expected ${creds.teamId}`);
  if (typeof claims.iat !== 'number') return invalid('iat is required');
  const now = Date.now() / 1000;
  if (claims.iat > now + 60) return invalid('iat in the future');
  if (claims.iat < now - HOUR_S) return { reason: 'ExpiredProviderToken', detail: 'iat more than an hour ago' };
  return null;
}

/** The parsed body when headers and body make a valid notification; else the refusal (status, Apple's reason, detail). */
function requestError(headers: IncomingHttpHeaders, raw: Buffer): { status: number; reason: string; detail: string } | { body: Record<string, unknown> } {
  const bad = (reason: string, detail: string, status = 400) => ({ status, reason, detail });
  if (!header(headers, 'apns-topic')) return bad('MissingTopic', 'apns-topic is required');
  const pushType = header(headers, 'apns-push-type');
  if (pushType !== 'alert' && pushType !== 'background') return bad('InvalidPushType', `apns-push-type ${pushType}: alert or background`);
  const priority = header(headers, 'apns-priority');
  // Alerts: 10 (now), 5 or 1 (as power allows); background pushes: 5 only.
  const allowed = pushType === 'alert' ? ['10', '5', '1'] : ['5'];
  if (priority === undefined || !allowed.includes(priority)) return bad('BadPriority', `apns-priority ${priority}: ${allowed.join(', ')} for ${pushType}`);
  const collapseId = header(headers, 'apns-collapse-id');
  if (collapseId !== undefined && Buffer.byteLength(collapseId) > 64) return bad('BadCollapseId', 'apns-collapse-id longer than 64 bytes');
  const expiration = header(headers, 'apns-expiration');
  if (expiration === undefined || !/^\d+$/.test(expiration)) return bad('BadExpirationDate', `apns-expiration ${expiration}: a UNIX time in seconds`);
  const id = header(headers, 'apns-id');
  if (id !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return bad('BadMessageId', 'apns-id is not a UUID');
  if (raw.length === 0) return bad('PayloadEmpty', 'empty body');
  if (raw.length > MAX_BODY_BYTES) return bad('PayloadTooLarge', `${raw.length} bytes, more than ${MAX_BODY_BYTES}`, 413);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return bad('BadPayload', 'body is not JSON'); // Apple documents no reason for this; the fake names it
  }
  if (!isRecord(body) || !isRecord(body.aps)) return bad('BadPayload', 'body.aps is required');
  const aps = body.aps;
  if ('badge' in aps && !(Number.isInteger(aps.badge) && (aps.badge as number) >= 0)) return bad('BadPayload', 'aps.badge: not a count');
  if ('thread-id' in aps && typeof aps['thread-id'] !== 'string') return bad('BadPayload', 'aps.thread-id: not a string');
  if (pushType === 'alert') {
    const alert = aps.alert;
    if (!isRecord(alert) || typeof alert.title !== 'string' || typeof alert.body !== 'string') return bad('BadPayload', 'aps.alert: {title, body} strings expected');
    if ('sound' in aps && typeof aps.sound !== 'string') return bad('BadPayload', 'aps.sound: not a string');
    if ('interruption-level' in aps && !['passive', 'active', 'time-sensitive', 'critical'].includes(aps['interruption-level'] as string)) {
      return bad('BadPayload', 'aps.interruption-level: passive, active, time-sensitive or critical');
    }
    if ('mutable-content' in aps && aps['mutable-content'] !== 1) return bad('BadPayload', 'aps.mutable-content: 1 or absent');
  } else {
    if (aps['content-available'] !== 1) return bad('BadPayload', 'a background push needs aps.content-available 1');
    if ('alert' in aps || 'sound' in aps) return bad('BadPayload', 'a background push has no alert or sound');
  }
  return { body };
}

/**
 * A local stand-in for APNs (api.push.apple.com): HTTP/2 without TLS on 127.0.0.1. It checks
 * the provider JWT (ES256, kid, iss, iat within the hour; verified with node:crypto), the
 * apns-* headers, the 4096-byte limit and the `aps` shape of alert and background pushes, and
 * answers like Apple (`{reason}`, 410 with a timestamp). What it accepts it records.
 */
export async function startFakeApns(options: FakeApnsOptions = {}): Promise<FakeApns> {
  const creds: ApnsCredentials = options.credentials ?? {
    key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    keyId: tenChars(),
    teamId: tenChars(),
  };
  const publicKey = createPublicKey(creds.key);
  const topic = options.topic ?? 'com.example.ottr';
  const inbox = new Inbox<FakeApnsNotification>('fake APNs', 'notifications', () => errors);
  const received = inbox.items;
  const errors: string[] = [];
  /** Device token → its topic. */
  const devices = new Map<string, string>();
  const unregistered = new Map<string, number>();
  const jwts = new Set<string>();
  const expired = new Set<string>();
  const failures: { status: number; reason?: string; headers?: Record<string, string> }[] = [];
  const sessions = new Set<Http2Session>();
  let connections = 0;
  let refuseNext = 0;

  const answer = (res: Http2ServerResponse, status: number, reason: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): void =>
    void res.writeHead(status, { 'apns-id': randomUUID(), 'content-type': 'application/json', ...headers }).end(JSON.stringify({ reason, ...extra }));
  const refuse = (res: Http2ServerResponse, status: number, reason: string, detail: string): void => {
    errors.push(`${reason}: ${detail}`);
    answer(res, status, reason);
  };

  async function handle(req: Http2ServerRequest, res: Http2ServerResponse): Promise<void> {
    if (refuseNext > 0) {
      refuseNext--;
      const { stream } = req;
      stream.session?.goaway(constants.NGHTTP2_NO_ERROR, Math.max(0, (stream.id ?? 1) - 2));
      stream.close(constants.NGHTTP2_REFUSED_STREAM);
      stream.session?.close();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const auth = /^bearer (\S+)$/.exec(header(req.headers, 'authorization') ?? '')?.[1];
    if (auth !== undefined) jwts.add(auth);
    const failure = failures.shift();
    if (failure) {
      answer(res, failure.status, failure.reason ?? DEFAULT_REASONS[failure.status] ?? 'InternalServerError', failure.status === 410 ? { timestamp: Date.now() } : {}, failure.headers);
      return;
    }
    if (req.method !== 'POST') return refuse(res, 405, 'MethodNotAllowed', `${req.method} ${req.url}`);
    const token = /^\/3\/device\/([^/?]+)$/.exec(req.url)?.[1];
    if (token === undefined) return refuse(res, 404, 'BadPath', req.url);
    if (auth === undefined) return refuse(res, 403, 'MissingProviderToken', 'no authorization: bearer <JWT>');
    if (expired.has(auth)) return answer(res, 403, 'ExpiredProviderToken');
    const jwtWrong = jwtError(auth, publicKey, creds);
    if (jwtWrong) return refuse(res, 403, jwtWrong.reason, jwtWrong.detail);
    const checked = requestError(req.headers, raw);
    if ('reason' in checked) return refuse(res, checked.status, checked.reason, checked.detail);
    if (!/^[0-9a-f]{64,200}$/i.test(token)) return refuse(res, 400, 'BadDeviceToken', `${token} is not a device token`);
    const gone = unregistered.get(token);
    if (gone !== undefined || !devices.has(token)) return answer(res, 410, 'Unregistered', { timestamp: gone ?? Date.now() });
    const apnsTopic = header(req.headers, 'apns-topic');
    if (devices.get(token) !== apnsTopic) return answer(res, 400, 'DeviceTokenNotForTopic');
    inbox.add({ token, headers: req.headers, body: checked.body, receivedAt: Date.now() });
    res.writeHead(200, { 'apns-id': header(req.headers, 'apns-id') ?? randomUUID() }).end();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      errors.push(`fake failed: ${String(err)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on('session', (session) => {
    sessions.add(session);
    connections++;
    session.on('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    ...creds,
    topic,
    endpoint,
    received,
    errors,
    get providerTokens() {
      return jwts.size;
    },
    get connections() {
      return connections;
    },
    refuseNextStream: (count = 1) => void (refuseNext = count),
    async dropConnections() {
      await Promise.all([...sessions].map((session) => new Promise<void>((resolve) => session.close(resolve))));
    },
    registerToken(forTopic = topic) {
      const token = randomBytes(32).toString('hex');
      devices.set(token, forTopic);
      return token;
    },
    unregisterToken: (token) => void unregistered.set(token, Date.now()),
    failNext: (status, reason, headers) => void failures.push({ status, reason, headers }),
    expireProviderTokens: () => jwts.forEach((t) => expired.add(t)),
    waitFor: (n, timeoutMs = 10_000) => inbox.waitFor(n, timeoutMs),
    clear() {
      received.length = 0;
      errors.length = 0;
      failures.length = 0;
    },
    async close() {
      for (const session of sessions) session.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

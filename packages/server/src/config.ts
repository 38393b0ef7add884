import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { trustedProxies } from './transport/client-address.js';

const MiB = 1024 * 1024;
const Rule = (limit: number, windowMs: number) =>
  Type.Object({ limit: Type.Integer({ minimum: 1, default: limit }), windowMs: Type.Integer({ minimum: 1, default: windowMs }) }, { default: {} });

/**
 * The server library's configuration: one schema, defaults in one place. apps/server builds it
 * from OTTR_* environment variables and validates it at boot.
 */
export const ServerConfigSchema = Type.Object({
  host: Type.String({ default: '127.0.0.1' }),
  port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  /** Public base URL (for links in the OpenAPI document); derived from host/port when empty. */
  publicUrl: Type.String({ default: '' }),
  /**
   * Proxies whose X-Forwarded-For is believed (comma-separated addresses or CIDR ranges, or
   * loopback/linklocal/uniquelocal); empty: the socket's address is the client's. See
   * transport/client-address.ts.
   */
  trustProxy: Type.String({ default: '' }),
  logLevel: Type.Union([Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')], { default: 'info' }),
  auth: Type.Object(
    {
      codeTtlMs: Type.Integer({ minimum: 1000, default: 10 * 60_000 }),
      codeMaxAttempts: Type.Integer({ minimum: 1, default: 5 }),
      accessTokenTtlMs: Type.Integer({ minimum: 1000, default: 15 * 60_000 }),
      refreshTokenTtlMs: Type.Integer({ minimum: 1000, default: 90 * 24 * 3600_000 }),
      /** Code requests per identifier. */
      codePerIdentifier: Rule(5, 3600_000),
      /** Code requests per client IP. */
      codePerIp: Rule(30, 3600_000),
      /** Verify attempts per client IP. */
      verifyPerIp: Rule(60, 3600_000),
    },
    { default: {} },
  ),
  limits: Type.Object(
    {
      groupSizeCap: Type.Integer({ minimum: 2, default: 10_000 }),
      /** Sends (messages, edits, deletes, reactions) per device. */
      sendsPerDevice: Rule(200, 1000),
      /** REST requests per account (all routes). */
      requestsPerAccount: Rule(600, 10_000),
      lookupsPerAccount: Rule(200, 3600_000),
    },
    { default: {} },
  ),
  ws: Type.Object(
    {
      heartbeatMs: Type.Integer({ minimum: 100, default: 30_000 }),
      authTimeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
      /** A connection whose unsent bytes exceed this is closed with 4001 (slow consumer). */
      maxBufferedBytes: Type.Integer({ minimum: 1024, default: 4 * 1024 * 1024 }),
      /** Frames per connection per second before error frames (and, at 4x, close 4004). */
      framesPerSecond: Type.Integer({ minimum: 1, default: 500 }),
    },
    { default: {} },
  ),
  typing: Type.Object(
    {
      expiresMs: Type.Integer({ minimum: 500, default: 6000 }),
      throttleMs: Type.Integer({ minimum: 0, default: 1000 }),
    },
    { default: {} },
  ),
  admin: Type.Object(
    {
      /**
       * Bearer token of the admin API (/v1/admin/…): empty (the default) turns the admin API
       * off; otherwise at least ADMIN_TOKEN_MIN_LENGTH characters.
       */
      token: Type.String({ default: '' }),
      /** Failed admin authentications per client IP; past it the IP gets rate_limited on admin routes. */
      failuresPerIp: Rule(10, 10 * 60_000),
    },
    { default: {} },
  ),
  web: Type.Object(
    {
      /** The built web app (Vite's dist/) served at /; empty (the default) serves none. */
      dir: Type.String({ default: '' }),
    },
    { default: {} },
  ),
  media: Type.Object(
    {
      /** Largest upload per kind, bytes. */
      maxBytes: Type.Object(
        {
          image: Type.Integer({ minimum: 1, default: 16 * MiB }),
          video: Type.Integer({ minimum: 1, default: 100 * MiB }),
          audio: Type.Integer({ minimum: 1, default: 100 * MiB }),
          voice: Type.Integer({ minimum: 1, default: 100 * MiB }),
          file: Type.Integer({ minimum: 1, default: 100 * MiB }),
          sticker: Type.Integer({ minimum: 1, default: 512 * 1024 }),
        },
        { default: {} },
      ),
      /** Bytes of media each account may keep (uploads count until they are deleted). */
      quotaBytes: Type.Integer({ minimum: 0, default: 2 * 1024 * MiB }),
      /** Largest body of the single-request upload (POST /v1/media); larger files use tus. */
      simpleUploadMaxBytes: Type.Integer({ minimum: 1, default: 16 * MiB }),
      /** Images with more pixels are refused before decoding (decompression bombs). */
      maxPixels: Type.Integer({ minimum: 1, default: 50_000_000 }),
      /** Strip EXIF (GPS, camera, …) from images by re-encoding them. */
      stripMetadata: Type.Boolean({ default: true }),
      /** How long signed media URLs work. */
      urlTtlMs: Type.Integer({ minimum: 1000, default: 15 * 60_000 }),
      /** How long an upload request waits for processing before answering `processing`. */
      processWaitMs: Type.Integer({ minimum: 0, default: 10_000 }),
      /** Uploads never sent in a message are deleted after this long. */
      orphanTtlMs: Type.Integer({ minimum: 0, default: 24 * 3600_000 }),
      /** Unfinished resumable uploads are dropped after this long without progress. */
      uploadExpiryMs: Type.Integer({ minimum: 60_000, default: 24 * 3600_000 }),
      /** How often one node looks for media to delete. */
      cleanupPeriodMs: Type.Integer({ minimum: 1000, default: 10 * 60_000 }),
      /** Where this node keeps uploads in progress; empty: a directory under the OS temp dir. */
      stagingDir: Type.String({ default: '' }),
      /** ffmpeg and ffprobe executables; empty: looked up on PATH (without them: no voice waveforms, video posters). */
      ffmpeg: Type.String({ default: '' }),
      ffprobe: Type.String({ default: '' }),
    },
    { default: {} },
  ),
  push: Type.Object(
    {
      /**
       * How long a new message waits for one of a member's devices to say it was delivered
       * before that member gets a push.
       */
      graceMs: Type.Integer({ minimum: 0, default: 2000 }),
      /** How long a push service keeps a notification for a device that is offline. */
      ttlSeconds: Type.Integer({ minimum: 0, maximum: 28 * 86_400, default: 86_400 }),
      /** Tries per push (429, 5xx and network failures are tried again, with backoff doubling from `backoffMs`). */
      maxAttempts: Type.Integer({ minimum: 1, default: 6 }),
      backoffMs: Type.Integer({ minimum: 10, default: 2000 }),
      /**
       * Accept Web Push endpoints that are plain http or on loopback and private addresses: for
       * tests with a local push service only (a browser's real endpoint is always https).
       */
      allowInsecureEndpoints: Type.Boolean({ default: false }),
    },
    { default: {} },
  ),
  /** How long (device, clientMsgId) keys are kept; at least 24 h. */
  idempotencyTtlMs: Type.Integer({ minimum: 24 * 3600_000, default: 48 * 3600_000 }),
  jobs: Type.Object(
    {
      /** How often each node looks for due jobs. */
      pollMs: Type.Integer({ minimum: 10, default: 1000 }),
      /** A claimed job is the claiming node's for this long; then another node may take it over. */
      leaseMs: Type.Integer({ minimum: 1000, default: 5 * 60_000 }),
    },
    { default: {} },
  ),
  maintenance: Type.Object(
    {
      /** Housekeeping (expired codes and tokens, old idempotency keys, finished jobs) runs once per period, on one node. */
      periodMs: Type.Integer({ minimum: 1000, default: 10 * 60_000 }),
      /** Done and dead jobs are kept this long for inspection. */
      jobRetentionMs: Type.Integer({ minimum: 0, default: 7 * 24 * 3600_000 }),
    },
    { default: {} },
  ),
});

export type ServerConfig = Static<typeof ServerConfigSchema>;

/** Shortest admin token accepted (a shorter one is a configuration error). */
export const ADMIN_TOKEN_MIN_LENGTH = 32;

/** Problems the schema cannot express, as [JSON pointer, message]. */
export function configProblems(config: Pick<ServerConfig, 'admin' | 'trustProxy'>): [string, string][] {
  const problems: [string, string][] = [];
  const token = config.admin.token;
  if (token !== '' && token.length < ADMIN_TOKEN_MIN_LENGTH) problems.push(['/admin/token', `must be empty (admin API off) or at least ${ADMIN_TOKEN_MIN_LENGTH} characters`]);
  try {
    trustedProxies(config.trustProxy);
  } catch (err) {
    problems.push(['/trustProxy', `must list IP addresses or CIDR ranges (or loopback, linklocal, uniquelocal), comma-separated: ${err instanceof Error ? err.message : String(err)}`]);
  }
  return problems;
}

/** Fills defaults into a partial config and validates it; throws with every problem listed. */
export function resolveServerConfig(input: unknown = {}): ServerConfig {
  const value = Value.Default(ServerConfigSchema, structuredClone(input ?? {}));
  const errors: [string, string][] = [...Value.Errors(ServerConfigSchema, value)].map((e) => [e.path, e.message]);
  if (errors.length === 0) errors.push(...configProblems(value as ServerConfig));
  if (errors.length > 0) {
    const list = errors.map(([path, message]) => `  ${path || '/'}: ${message}`).join('\n');
    throw new Error(`Invalid server configuration:\n${list}`);
  }
  return value as ServerConfig;
}

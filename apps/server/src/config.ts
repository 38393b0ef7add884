import path from 'node:path';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ServerConfigSchema, configProblems } from '@ottr/server';
import { BUS_DRIVERS, CODE_SENDERS, MEDIA_STORES, PRESENCE_DRIVERS, RATE_LIMITERS, STORE_DRIVERS } from './adapters.js';

/** The repo's apps/web/dist, found from this file: `npm start` serves it from any working directory. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));
/** OTTR_WEB_DIR value that serves no web app (an empty variable means "the default"). */
const WEB_OFF = 'off';

/**
 * The app's configuration: the server library's schema plus the sections of the adapters this
 * composition root picks. Defaults live here, in one place; environment variables (ENV_VARS)
 * override them and CLI flags override those.
 */
export const AppConfigSchema = Type.Object({
  ...ServerConfigSchema.properties,
  /** The built web app served at /; 'off' serves none. */
  web: Type.Object({ dir: Type.String({ minLength: 1, default: DEFAULT_WEB_DIR }) }, { default: {} }),
  /** Names this node in logs and metrics. Default: the host name. */
  nodeId: Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_.-]*$', default: '' }),
  /** Everything this node writes by default: the SQLite file, the secret, the dev outbox, local media. */
  dataDir: Type.String({ minLength: 1, default: './data' }),
  /** Key for code HMACs. Default: generated once and kept in <dataDir>/secret (mode 0600). */
  secret: Type.String({ default: '' }),
  store: Type.Object(
    {
      driver: Type.String({ default: 'sqlite' }),
      sqlite: Type.Object({ path: Type.String({ default: '', description: 'Default: <dataDir>/ottr.db' }) }, { default: {} }),
      /** Several nodes share one PostgreSQL database; each node has its own pool. */
      postgres: Type.Object(
        {
          /** libpq-style URL; what it leaves out (user, password) comes from PGUSER, PGPASSWORD, …, then the OS user. */
          url: Type.String({ minLength: 1, default: 'postgres://127.0.0.1:5432/ottr' }),
          poolSize: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
          /** 0: no timeout. */
          statementTimeoutMs: Type.Integer({ minimum: 0, default: 30_000 }),
        },
        { default: {} },
      ),
    },
    { default: {} },
  ),
  bus: Type.Object(
    {
      driver: Type.String({ default: 'memory' }),
      nats: Type.Object({ url: Type.String({ minLength: 1, default: 'nats://127.0.0.1:4222' }) }, { default: {} }),
    },
    { default: {} },
  ),
  /** Online state shared by nodes. Driver '' follows the store: postgres with OTTR_STORE=postgres, else memory. */
  presence: Type.Object(
    {
      driver: Type.String({ default: '' }),
      /** A node silent this long is taken for dead and its accounts go offline. */
      ttlMs: Type.Integer({ minimum: 300, default: 30_000 }),
    },
    { default: {} },
  ),
  /**
   * Where the bytes of media live (the server's `media` section holds its limits). local: files
   * under one node's disk; s3: a bucket every node shares.
   */
  mediaStore: Type.Object(
    {
      driver: Type.String({ default: 'local' }),
      local: Type.Object({ dir: Type.String({ default: '', description: 'Default: <dataDir>/media' }) }, { default: {} }),
      s3: Type.Object(
        {
          bucket: Type.String({ default: '' }),
          region: Type.String({ minLength: 1, default: 'us-east-1' }),
          /** An S3-compatible server's URL; empty: AWS. */
          endpoint: Type.String({ default: '' }),
          /** Both empty: the AWS SDK's credential chain (AWS_* variables, profile, instance role). */
          accessKeyId: Type.String({ default: '' }),
          secretAccessKey: Type.String({ default: '' }),
          forcePathStyle: Type.Boolean({ default: false }),
          prefix: Type.String({ default: '' }),
        },
        { default: {} },
      ),
    },
    { default: {} },
  ),
  /**
   * The push services this node wakes devices through (the server's `push` section holds the
   * rules). Web Push is on by default with VAPID keys generated into <dataDir>/vapid.json; FCM
   * and APNs are on when their credentials are given.
   */
  pushProviders: Type.Object(
    {
      webpush: Type.Object(
        {
          enabled: Type.Boolean({ default: true }),
          /** Both empty: generated once and kept in <dataDir>/vapid.json. Every node of a cluster needs the same pair. */
          publicKey: Type.String({ default: '' }),
          privateKey: Type.String({ default: '' }),
          /** How push services can reach the operator: a mailto: or https: URL. */
          subject: Type.String({ pattern: '^(mailto:|https:).+', default: 'mailto:ottr@localhost' }),
        },
        { default: {} },
      ),
      fcm: Type.Object(
        {
          /** A Firebase service-account JSON file; empty: no FCM. */
          serviceAccountFile: Type.String({ default: '' }),
          /** Empty: https://fcm.googleapis.com. */
          endpoint: Type.String({ default: '' }),
        },
        { default: {} },
      ),
      apns: Type.Object(
        {
          /** The .p8 signing key from Apple; empty: no APNs. */
          keyFile: Type.String({ default: '' }),
          keyId: Type.String({ default: '' }),
          teamId: Type.String({ default: '' }),
          /** The app's bundle id (a device may register with another topic). */
          topic: Type.String({ default: '' }),
          /** Empty: https://api.push.apple.com and https://api.sandbox.push.apple.com. */
          endpoint: Type.String({ default: '' }),
          sandboxEndpoint: Type.String({ default: '' }),
        },
        { default: {} },
      ),
    },
    { default: {} },
  ),
  /** Rate-limit counters. Driver '' follows the store: postgres with OTTR_STORE=postgres (limits per cluster), else memory. */
  rateLimiter: Type.Object({ driver: Type.String({ default: '' }) }, { default: {} }),
  codes: Type.Object(
    {
      email: Type.String({ default: 'dev' }),
      sms: Type.String({ default: 'dev' }),
      smtp: Type.Object({ url: Type.String({ default: '' }), from: Type.String({ default: '' }) }, { default: {} }),
    },
    { default: {} },
  ),
});

export type AppConfig = Static<typeof AppConfigSchema>;
/** Nested partial of AppConfig: what env and flags may set. */
export type AppConfigInput = { [K in keyof AppConfig]?: AppConfig[K] extends object ? DeepPartial<AppConfig[K]> : AppConfig[K] };
type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export type EnvKind = 'string' | 'integer' | 'boolean';

export interface EnvVar {
  name: string;
  /** Dotted path into AppConfig. */
  path: string;
  kind: EnvKind;
  description: string;
}

/** Every environment variable ottr reads. README.md's configuration table documents each one. */
export const ENV_VARS: readonly EnvVar[] = [
  { name: 'PORT', path: 'port', kind: 'integer', description: 'TCP port to listen on (0: any free port). Default 8080.' },
  { name: 'OTTR_HOST', path: 'host', kind: 'string', description: 'Interface to listen on. Default 127.0.0.1; 0.0.0.0 for all.' },
  { name: 'OTTR_TRUST_PROXY', path: 'trustProxy', kind: 'string', description: 'Load balancers/proxies whose X-Forwarded-For names the client (comma-separated IPs or CIDRs, or loopback). Default empty: the socket address is the client.' },
  { name: 'OTTR_PUBLIC_URL', path: 'publicUrl', kind: 'string', description: 'Public base URL (in /openapi.json). Default: derived from host and port.' },
  { name: 'OTTR_LOG_LEVEL', path: 'logLevel', kind: 'string', description: 'fatal, error, warn, info, debug, trace or silent. Default info.' },
  { name: 'OTTR_NODE_ID', path: 'nodeId', kind: 'string', description: 'Name of this node in logs. Default: the host name.' },
  { name: 'OTTR_DATA_DIR', path: 'dataDir', kind: 'string', description: 'Directory for the database, the secret, the dev outbox and local media. Default ./data.' },
  { name: 'OTTR_SECRET', path: 'secret', kind: 'string', description: 'Key for one-time code HMACs (at least 32 characters). Default: generated once into <dataDir>/secret.' },
  { name: 'OTTR_STORE', path: 'store.driver', kind: 'string', description: 'Storage driver: sqlite (one node) or postgres (any number of nodes on one database). Default sqlite.' },
  { name: 'OTTR_SQLITE_PATH', path: 'store.sqlite.path', kind: 'string', description: 'SQLite database file. Default <dataDir>/ottr.db.' },
  { name: 'OTTR_POSTGRES_URL', path: 'store.postgres.url', kind: 'string', description: 'PostgreSQL database (with OTTR_STORE=postgres). Default postgres://127.0.0.1:5432/ottr; user and password from the URL or PGUSER/PGPASSWORD.' },
  { name: 'OTTR_POSTGRES_POOL_SIZE', path: 'store.postgres.poolSize', kind: 'integer', description: 'Connections per node to PostgreSQL. Default 10.' },
  { name: 'OTTR_POSTGRES_STATEMENT_TIMEOUT_MS', path: 'store.postgres.statementTimeoutMs', kind: 'integer', description: 'PostgreSQL statements running longer are cancelled (0: never). Default 30000.' },
  { name: 'OTTR_BUS', path: 'bus.driver', kind: 'string', description: 'Bus between nodes: memory (one node) or nats (any number of nodes). Default memory.' },
  { name: 'OTTR_NATS_URL', path: 'bus.nats.url', kind: 'string', description: 'NATS server(s) of OTTR_BUS=nats, comma-separated. Default nats://127.0.0.1:4222.' },
  { name: 'OTTR_MEDIA_DRIVER', path: 'mediaStore.driver', kind: 'string', description: 'Where media files are stored: local (a directory of this node) or s3 (a bucket shared by every node). Default local.' },
  { name: 'OTTR_MEDIA_DIR', path: 'mediaStore.local.dir', kind: 'string', description: 'Directory of the local media store. Default <dataDir>/media.' },
  { name: 'OTTR_S3_BUCKET', path: 'mediaStore.s3.bucket', kind: 'string', description: 'Bucket of the s3 media store (required with OTTR_MEDIA_DRIVER=s3).' },
  { name: 'OTTR_S3_REGION', path: 'mediaStore.s3.region', kind: 'string', description: 'Region of the bucket. Default us-east-1.' },
  { name: 'OTTR_S3_ENDPOINT', path: 'mediaStore.s3.endpoint', kind: 'string', description: 'URL of an S3-compatible server (MinIO, Ceph, R2, …). Default: AWS S3 of the region.' },
  { name: 'OTTR_S3_ACCESS_KEY_ID', path: 'mediaStore.s3.accessKeyId', kind: 'string', description: 'Access key of the s3 media store. Default: the AWS SDK credential chain (AWS_ACCESS_KEY_ID, profile, instance role).' },
  { name: 'OTTR_S3_SECRET_ACCESS_KEY', path: 'mediaStore.s3.secretAccessKey', kind: 'string', description: 'Secret key that goes with OTTR_S3_ACCESS_KEY_ID (both or neither).' },
  { name: 'OTTR_S3_FORCE_PATH_STYLE', path: 'mediaStore.s3.forcePathStyle', kind: 'boolean', description: 'true: <endpoint>/<bucket>/<key> URLs, as most self-hosted servers need. Default false (<bucket>.<endpoint>).' },
  { name: 'OTTR_S3_PREFIX', path: 'mediaStore.s3.prefix', kind: 'string', description: 'Folder in the bucket the media go under, e.g. ottr/media. Default: the bucket root.' },
  { name: 'OTTR_MEDIA_MAX_IMAGE_BYTES', path: 'media.maxBytes.image', kind: 'integer', description: 'Largest image upload. Default 16777216 (16 MiB).' },
  { name: 'OTTR_MEDIA_MAX_VIDEO_BYTES', path: 'media.maxBytes.video', kind: 'integer', description: 'Largest video upload. Default 104857600 (100 MiB).' },
  { name: 'OTTR_MEDIA_MAX_AUDIO_BYTES', path: 'media.maxBytes.audio', kind: 'integer', description: 'Largest audio upload. Default 104857600 (100 MiB).' },
  { name: 'OTTR_MEDIA_MAX_VOICE_BYTES', path: 'media.maxBytes.voice', kind: 'integer', description: 'Largest voice note. Default 104857600 (100 MiB).' },
  { name: 'OTTR_MEDIA_MAX_FILE_BYTES', path: 'media.maxBytes.file', kind: 'integer', description: 'Largest file (document) upload. Default 104857600 (100 MiB).' },
  { name: 'OTTR_MEDIA_MAX_STICKER_BYTES', path: 'media.maxBytes.sticker', kind: 'integer', description: 'Largest sticker. Default 524288 (512 KiB).' },
  { name: 'OTTR_MEDIA_QUOTA_BYTES', path: 'media.quotaBytes', kind: 'integer', description: 'Bytes of media each account may keep. Default 2147483648 (2 GiB).' },
  { name: 'OTTR_MEDIA_STRIP_METADATA', path: 'media.stripMetadata', kind: 'boolean', description: 'Remove EXIF/GPS metadata from uploaded images. Default true.' },
  { name: 'OTTR_MEDIA_UPLOADS_DIR', path: 'media.stagingDir', kind: 'string', description: 'Where this node keeps uploads in progress. Default <dataDir>/uploads.' },
  { name: 'OTTR_FFMPEG', path: 'media.ffmpeg', kind: 'string', description: 'ffmpeg executable (voice-note waveforms, video posters). Default: ffmpeg on PATH, if any.' },
  { name: 'OTTR_FFPROBE', path: 'media.ffprobe', kind: 'string', description: 'ffprobe executable (video size and duration). Default: ffprobe on PATH, if any.' },
  { name: 'OTTR_PUSH_GRACE_MS', path: 'push.graceMs', kind: 'integer', description: 'How long a new message waits for a device of a member to confirm delivery before that member gets a push. Default 2000.' },
  { name: 'OTTR_PUSH_TTL_SECONDS', path: 'push.ttlSeconds', kind: 'integer', description: 'How long push services keep a notification for an offline device. Default 86400.' },
  { name: 'OTTR_PUSH_ALLOW_INSECURE', path: 'push.allowInsecureEndpoints', kind: 'boolean', description: 'Accept Web Push endpoints over plain http or on private addresses (tests with a local push service only). Default false.' },
  { name: 'OTTR_WEBPUSH', path: 'pushProviders.webpush.enabled', kind: 'boolean', description: 'Send Web Push notifications to browsers. Default true.' },
  { name: 'OTTR_VAPID_PUBLIC_KEY', path: 'pushProviders.webpush.publicKey', kind: 'string', description: 'VAPID public key (base64url). Default: generated once into <dataDir>/vapid.json; a cluster sets the same pair on every node.' },
  { name: 'OTTR_VAPID_PRIVATE_KEY', path: 'pushProviders.webpush.privateKey', kind: 'string', description: 'VAPID private key (base64url) that goes with OTTR_VAPID_PUBLIC_KEY (both or neither).' },
  { name: 'OTTR_VAPID_SUBJECT', path: 'pushProviders.webpush.subject', kind: 'string', description: 'Contact of the operator for push services: mailto:you@example.com or an https URL. Default mailto:ottr@localhost.' },
  { name: 'OTTR_FCM_SERVICE_ACCOUNT', path: 'pushProviders.fcm.serviceAccountFile', kind: 'string', description: 'Firebase service-account JSON file; set it to send to Android apps through FCM. Default: no FCM.' },
  { name: 'OTTR_FCM_ENDPOINT', path: 'pushProviders.fcm.endpoint', kind: 'string', description: 'FCM API base URL. Default https://fcm.googleapis.com.' },
  { name: 'OTTR_APNS_KEY_FILE', path: 'pushProviders.apns.keyFile', kind: 'string', description: 'APNs signing key (.p8); set it with OTTR_APNS_KEY_ID, OTTR_APNS_TEAM_ID and OTTR_APNS_TOPIC to send to Apple devices. Default: no APNs.' },
  { name: 'OTTR_APNS_KEY_ID', path: 'pushProviders.apns.keyId', kind: 'string', description: 'Key ID of the .p8 key.' },
  { name: 'OTTR_APNS_TEAM_ID', path: 'pushProviders.apns.teamId', kind: 'string', description: 'Apple developer team ID.' },
  { name: 'OTTR_APNS_TOPIC', path: 'pushProviders.apns.topic', kind: 'string', description: "The app's bundle id, the default apns-topic." },
  { name: 'OTTR_APNS_ENDPOINT', path: 'pushProviders.apns.endpoint', kind: 'string', description: 'APNs production server. Default https://api.push.apple.com.' },
  { name: 'OTTR_APNS_SANDBOX_ENDPOINT', path: 'pushProviders.apns.sandboxEndpoint', kind: 'string', description: 'APNs server for development builds. Default https://api.sandbox.push.apple.com.' },
  { name: 'OTTR_PRESENCE', path: 'presence.driver', kind: 'string', description: 'Where online state is kept: memory (one node) or postgres (shared by nodes). Default: postgres with OTTR_STORE=postgres, else memory.' },
  { name: 'OTTR_PRESENCE_TTL_MS', path: 'presence.ttlMs', kind: 'integer', description: 'A node silent this long is taken for dead and its users go offline (postgres presence). Default 30000.' },
  { name: 'OTTR_RATE_LIMITER', path: 'rateLimiter.driver', kind: 'string', description: 'Where rate-limit counters are kept: memory (per node) or postgres (per cluster). Default: postgres with OTTR_STORE=postgres, else memory.' },
  { name: 'OTTR_EMAIL_SENDER', path: 'codes.email', kind: 'string', description: 'How email codes are sent: dev (outbox file and log) or smtp. Default dev.' },
  { name: 'OTTR_SMS_SENDER', path: 'codes.sms', kind: 'string', description: 'How SMS codes are sent: dev. Default dev.' },
  { name: 'OTTR_SMTP_URL', path: 'codes.smtp.url', kind: 'string', description: 'SMTP server, e.g. smtps://user:pass@mail.example.com:465 (with OTTR_EMAIL_SENDER=smtp).' },
  { name: 'OTTR_SMTP_FROM', path: 'codes.smtp.from', kind: 'string', description: 'Sender address of code emails, e.g. "ottr <no-reply@example.com>".' },
  { name: 'OTTR_GROUP_SIZE_CAP', path: 'limits.groupSizeCap', kind: 'integer', description: 'Most members a group may have. Default 10000.' },
  { name: 'OTTR_REQUESTS_PER_ACCOUNT', path: 'limits.requestsPerAccount.limit', kind: 'integer', description: 'REST requests per account per 10 s. Default 600.' },
  { name: 'OTTR_SENDS_PER_DEVICE', path: 'limits.sendsPerDevice.limit', kind: 'integer', description: 'Sends per device per second. Default 200.' },
  { name: 'OTTR_CODE_TTL_MS', path: 'auth.codeTtlMs', kind: 'integer', description: 'Lifetime of a sign-in code. Default 600000 (10 min).' },
  { name: 'OTTR_CODE_MAX_ATTEMPTS', path: 'auth.codeMaxAttempts', kind: 'integer', description: 'Wrong attempts before a code is void. Default 5.' },
  { name: 'OTTR_ACCESS_TOKEN_TTL_MS', path: 'auth.accessTokenTtlMs', kind: 'integer', description: 'Lifetime of an access token. Default 900000 (15 min).' },
  { name: 'OTTR_REFRESH_TOKEN_TTL_MS', path: 'auth.refreshTokenTtlMs', kind: 'integer', description: 'Lifetime of a refresh token. Default 7776000000 (90 days).' },
  { name: 'OTTR_HEARTBEAT_MS', path: 'ws.heartbeatMs', kind: 'integer', description: 'WebSocket ping interval. Default 30000.' },
  { name: 'OTTR_ADMIN_TOKEN', path: 'admin.token', kind: 'string', description: 'Bearer token of the admin API (/v1/admin/…, ottr admin), at least 32 characters. Default empty: the admin API is off.' },
  { name: 'OTTR_WEB_DIR', path: 'web.dir', kind: 'string', description: `Directory of the built web app served at / (npm run build:web), or ${WEB_OFF} for none. Default: the repository's apps/web/dist.` },
  { name: 'OTTR_WS_MAX_BUFFERED_BYTES', path: 'ws.maxBufferedBytes', kind: 'integer', description: 'Unsent bytes before a slow client is closed (4001). Default 4194304.' },
];

/** Every problem found in the configuration, each naming the variable or field. Exit code 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let cur = target;
  for (const key of keys.slice(0, -1)) {
    const next = cur[key];
    cur = (next !== null && typeof next === 'object' ? next : (cur[key] = {})) as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]!] = value;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = out[k];
    out[k] = v !== null && typeof v === 'object' && !Array.isArray(v) && b !== null && typeof b === 'object' ? merge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

const BOOLEANS: Record<string, boolean> = { true: true, '1': true, yes: true, on: true, false: false, '0': false, no: false, off: false };

/** A variable's value of its kind; what does not parse stays a string, which validation reports. */
function parseEnv(kind: EnvKind, raw: string): unknown {
  const s = raw.trim();
  if (kind === 'integer') return /^-?[0-9]{1,16}$/.test(s) ? Number(s) : raw;
  if (kind === 'boolean') return BOOLEANS[s.toLowerCase()] ?? raw;
  return raw;
}

/** Config input from environment variables; integers and booleans are parsed strictly (`"12abc"` stays a string and is reported). */
export function configFromEnv(env: Record<string, string | undefined>): AppConfigInput {
  const out: Record<string, unknown> = {};
  for (const v of ENV_VARS) {
    const raw = env[v.name];
    if (raw === undefined || raw === '') continue;
    setPath(out, v.path, parseEnv(v.kind, raw));
  }
  return out;
}

const ENV_BY_PATH = new Map(ENV_VARS.map((v) => [v.path, v.name]));

function label(pointer: string): string {
  const dotted = pointer.slice(1).split('/').join('.');
  const env = ENV_BY_PATH.get(dotted);
  return env ? `${env} (${dotted})` : dotted || '(root)';
}

function known(kind: string, name: string | null, registry: Record<string, unknown>, field: string, problems: string[]): void {
  if (name !== null && !Object.hasOwn(registry, name)) {
    problems.push(`${label(`/${field.split('.').join('/')}`)}: unknown ${kind} '${name}'; known: ${Object.keys(registry).join(', ')}`);
  }
}

/**
 * Builds the configuration: schema defaults ← environment ← overrides (CLI flags). Validates it
 * and throws ConfigError listing every problem. Paths are made absolute against `cwd`; the
 * secret, when not given, is left empty for `ensureSecret` (which touches the disk).
 */
export function resolveAppConfig(env: Record<string, string | undefined>, overrides: AppConfigInput = {}, cwd = process.cwd()): AppConfig {
  const input = merge(configFromEnv(env), overrides);
  const value = Value.Default(AppConfigSchema, input) as AppConfig;
  const problems: string[] = [];
  for (const e of Value.Errors(AppConfigSchema, value)) {
    const secret = e.path.includes('secret') || e.path.includes('token') || e.path.includes('privateKey');
    const shown = e.value === undefined || typeof e.value === 'object' ? '' : ` (got ${JSON.stringify(secret ? '…' : e.value)})`;
    problems.push(`${label(e.path)}: ${e.message}${shown}`);
  }
  // Names are checked against the adapter registries too, so one run reports everything.
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  const v = value as unknown as {
    store?: { driver?: unknown };
    bus?: { driver?: unknown };
    presence?: { driver?: unknown };
    rateLimiter?: { driver?: unknown };
    pushProviders?: { webpush?: { publicKey?: unknown; privateKey?: unknown }; apns?: { keyFile?: unknown; keyId?: unknown; teamId?: unknown; topic?: unknown } };
    mediaStore?: { driver?: unknown; s3?: { bucket?: unknown; accessKeyId?: unknown; secretAccessKey?: unknown } };
    codes?: { email?: unknown; sms?: unknown; smtp?: { url?: unknown; from?: unknown } };
  };
  known('store driver', str(v.store?.driver), STORE_DRIVERS, 'store.driver', problems);
  known('bus driver', str(v.bus?.driver), BUS_DRIVERS, 'bus.driver', problems);
  // '' is "follow the store", resolved below.
  known('presence driver', str(v.presence?.driver) || null, PRESENCE_DRIVERS, 'presence.driver', problems);
  known('rate limiter', str(v.rateLimiter?.driver) || null, RATE_LIMITERS, 'rateLimiter.driver', problems);
  known('media store', str(v.mediaStore?.driver), MEDIA_STORES, 'mediaStore.driver', problems);
  known('email sender', str(v.codes?.email), CODE_SENDERS.email, 'codes.email', problems);
  known('SMS sender', str(v.codes?.sms), CODE_SENDERS.sms, 'codes.sms', problems);
  if (v.codes?.email === 'smtp') {
    if (!v.codes.smtp?.url) problems.push(`${label('/codes/smtp/url')}: required when OTTR_EMAIL_SENDER=smtp`);
    if (!v.codes.smtp?.from) problems.push(`${label('/codes/smtp/from')}: required when OTTR_EMAIL_SENDER=smtp`);
  }
  if (v.mediaStore?.driver === 's3') {
    const s3 = v.mediaStore.s3;
    if (!s3?.bucket) problems.push(`${label('/mediaStore/s3/bucket')}: required when OTTR_MEDIA_DRIVER=s3`);
    // One key without the other would silently fall back to the SDK's credential chain.
    if (!s3?.accessKeyId !== !s3?.secretAccessKey) problems.push(`${label(s3?.accessKeyId ? '/mediaStore/s3/secretAccessKey' : '/mediaStore/s3/accessKeyId')}: set both S3 keys or neither`);
  }
  const vapid = v.pushProviders?.webpush;
  if (!vapid?.publicKey !== !vapid?.privateKey) problems.push(`${label(vapid?.publicKey ? '/pushProviders/webpush/privateKey' : '/pushProviders/webpush/publicKey')}: set both VAPID keys or neither`);
  const apns = v.pushProviders?.apns;
  if (apns?.keyFile) {
    for (const field of ['keyId', 'teamId', 'topic'] as const) if (!apns[field]) problems.push(`${label(`/pushProviders/apns/${field}`)}: required with OTTR_APNS_KEY_FILE`);
  }
  if (typeof value.secret === 'string' && value.secret !== '' && value.secret.length < 32) problems.push(`${label('/secret')}: must be at least 32 characters`);
  if (typeof value.admin?.token === 'string') for (const [pointer, message] of configProblems(value)) problems.push(`${label(pointer)}: ${message}`);
  if (problems.length > 0) throw new ConfigError(problems);

  value.dataDir = path.resolve(cwd, value.dataDir);
  value.web.dir = value.web.dir === WEB_OFF ? '' : path.resolve(cwd, value.web.dir);
  const sqlite = value.store.sqlite.path;
  value.store.sqlite.path = sqlite === '' ? path.join(value.dataDir, 'ottr.db') : sqlite === ':memory:' ? sqlite : path.resolve(cwd, sqlite);
  const media = value.mediaStore.local.dir;
  value.mediaStore.local.dir = media === '' ? path.join(value.dataDir, 'media') : path.resolve(cwd, media);
  const staging = value.media.stagingDir;
  value.media.stagingDir = staging === '' ? path.join(value.dataDir, 'uploads') : path.resolve(cwd, staging);
  const { fcm, apns: apnsKey } = value.pushProviders;
  if (fcm.serviceAccountFile !== '') fcm.serviceAccountFile = path.resolve(cwd, fcm.serviceAccountFile);
  if (apnsKey.keyFile !== '') apnsKey.keyFile = path.resolve(cwd, apnsKey.keyFile);
  const follow = value.store.driver === 'postgres' ? 'postgres' : 'memory';
  if (value.presence.driver === '') value.presence.driver = follow;
  if (value.rateLimiter.driver === '') value.rateLimiter.driver = follow;
  if (value.nodeId === '') value.nodeId = hostname().replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 64) || 'ottr';
  return value;
}

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TSchema } from '@sinclair/typebox';
import { AppConfigSchema, ConfigError, ENV_VARS, resolveAppConfig } from './config.js';

const CWD = '/srv/ottr';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveAppConfig', () => {
  it('works with no configuration at all', () => {
    const c = resolveAppConfig({}, {}, CWD);
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8080, logLevel: 'info', dataDir: '/srv/ottr/data', secret: '' });
    expect(c.store).toEqual({
      driver: 'sqlite',
      sqlite: { path: '/srv/ottr/data/ottr.db' },
      postgres: { url: 'postgres://127.0.0.1:5432/ottr', poolSize: 10, statementTimeoutMs: 30_000 },
    });
    expect(c.bus).toEqual({ driver: 'memory', nats: { url: 'nats://127.0.0.1:4222' } });
    expect(c.presence).toEqual({ driver: 'memory', ttlMs: 30_000 });
    expect(c.rateLimiter).toEqual({ driver: 'memory' });
    expect(c.mediaStore).toEqual({
      driver: 'local',
      local: { dir: '/srv/ottr/data/media' },
      s3: { bucket: '', region: 'us-east-1', endpoint: '', accessKeyId: '', secretAccessKey: '', forcePathStyle: false, prefix: '' },
    });
    expect(c.codes).toEqual({ email: 'dev', sms: 'dev', smtp: { url: '', from: '' } });
    expect(c.limits.requestsPerAccount).toEqual({ limit: 600, windowMs: 10_000 });
    expect(c.nodeId).not.toBe('');
  });

  it('reads the environment', () => {
    const c = resolveAppConfig(
      {
        PORT: '0',
        OTTR_HOST: '0.0.0.0',
        OTTR_DATA_DIR: 'var',
        OTTR_SQLITE_PATH: '/db/x.db',
        OTTR_GROUP_SIZE_CAP: '50',
        OTTR_ACCESS_TOKEN_TTL_MS: '60000',
        OTTR_HEARTBEAT_MS: '1000',
        OTTR_REQUESTS_PER_ACCOUNT: '10',
        OTTR_EMAIL_SENDER: 'smtp',
        OTTR_SMTP_URL: 'smtp://mail:25',
        OTTR_SMTP_FROM: 'ottr <a@example.com>',
        OTTR_NODE_ID: 'node-1',
        OTTR_PUBLIC_URL: 'https://chat.example.com',
        UNRELATED: 'x',
      },
      {},
      CWD,
    );
    expect(c).toMatchObject({ port: 0, host: '0.0.0.0', dataDir: '/srv/ottr/var', nodeId: 'node-1', publicUrl: 'https://chat.example.com' });
    expect(c.store.sqlite.path).toBe('/db/x.db');
    expect(c.limits.groupSizeCap).toBe(50);
    expect(c.limits.requestsPerAccount).toEqual({ limit: 10, windowMs: 10_000 });
    expect(c.auth.accessTokenTtlMs).toBe(60_000);
    expect(c.ws.heartbeatMs).toBe(1000);
    expect(c.codes).toEqual({ email: 'smtp', sms: 'dev', smtp: { url: 'smtp://mail:25', from: 'ottr <a@example.com>' } });
  });

  it('lets overrides (CLI flags) win over the environment', () => {
    const c = resolveAppConfig({ PORT: '9000', OTTR_DATA_DIR: '/env' }, { port: 9001, dataDir: '/flag' }, CWD);
    expect(c.port).toBe(9001);
    expect(c.dataDir).toBe('/flag');
    expect(c.store.sqlite.path).toBe(path.join('/flag', 'ottr.db'));
  });

  it('reads the PostgreSQL driver settings and rejects a pool of 0', () => {
    const env = { OTTR_STORE: 'postgres', OTTR_POSTGRES_URL: 'postgres://ottr:pw@db.internal:6432/chat', OTTR_POSTGRES_POOL_SIZE: '25', OTTR_POSTGRES_STATEMENT_TIMEOUT_MS: '5000' };
    expect(resolveAppConfig(env, {}, CWD).store).toMatchObject({ driver: 'postgres', postgres: { url: 'postgres://ottr:pw@db.internal:6432/chat', poolSize: 25, statementTimeoutMs: 5000 } });
    expect(problemsOf(() => resolveAppConfig({ ...env, OTTR_POSTGRES_POOL_SIZE: '0' }, {}, CWD))[0]).toContain('OTTR_POSTGRES_POOL_SIZE (store.postgres.poolSize)');
  });

  it('keeps an in-memory SQLite path as is', () => {
    expect(resolveAppConfig({ OTTR_SQLITE_PATH: ':memory:' }, {}, CWD).store.sqlite.path).toBe(':memory:');
  });

  it('lists every problem at once, by variable name', () => {
    const problems = problemsOf(() =>
      resolveAppConfig({ PORT: '80x', OTTR_LOG_LEVEL: 'loud', OTTR_GROUP_SIZE_CAP: '1', OTTR_HEARTBEAT_MS: '-5', OTTR_STORE: 'foo' }, {}, CWD),
    );
    expect(problems).toHaveLength(5);
    expect(problems).toContain("OTTR_STORE (store.driver): unknown store driver 'foo'; known: sqlite, postgres");
    expect(problems.some((p) => p.startsWith('PORT (port): Expected integer') && p.includes('"80x"'))).toBe(true);
    expect(problems.some((p) => p.startsWith('OTTR_LOG_LEVEL (logLevel)'))).toBe(true);
    expect(problems.some((p) => p.startsWith('OTTR_GROUP_SIZE_CAP (limits.groupSizeCap): Expected integer to be greater or equal to 2'))).toBe(true);
    expect(problems.some((p) => p.startsWith('OTTR_HEARTBEAT_MS (ws.heartbeatMs)'))).toBe(true);
  });

  it('rejects an unknown driver, listing the known ones', () => {
    expect(problemsOf(() => resolveAppConfig({ OTTR_STORE: 'foo' }, {}, CWD))).toEqual(["OTTR_STORE (store.driver): unknown store driver 'foo'; known: sqlite, postgres"]);
    expect(problemsOf(() => resolveAppConfig({ OTTR_BUS: 'kafka', OTTR_EMAIL_SENDER: 'pigeon' }, {}, CWD))).toEqual([
      "OTTR_BUS (bus.driver): unknown bus driver 'kafka'; known: memory, nats",
      "OTTR_EMAIL_SENDER (codes.email): unknown email sender 'pigeon'; known: dev, smtp",
    ]);
    expect(problemsOf(() => resolveAppConfig({ OTTR_PRESENCE: 'redis', OTTR_RATE_LIMITER: 'nats' }, {}, CWD))).toEqual([
      "OTTR_PRESENCE (presence.driver): unknown presence driver 'redis'; known: memory, postgres",
      "OTTR_RATE_LIMITER (rateLimiter.driver): unknown rate limiter 'nats'; known: memory, postgres",
    ]);
    expect(problemsOf(() => resolveAppConfig({ OTTR_MEDIA_DRIVER: 'gcs' }, {}, CWD))).toEqual(["OTTR_MEDIA_DRIVER (mediaStore.driver): unknown media store 'gcs'; known: local, s3"]);
  });

  it('scales out by name: the NATS bus with its URL; presence and rate limits follow the store unless named', () => {
    const c = resolveAppConfig({ OTTR_STORE: 'postgres', OTTR_BUS: 'nats', OTTR_NATS_URL: 'nats://10.0.0.5:4222', OTTR_PRESENCE_TTL_MS: '5000' }, {}, CWD);
    expect(c.bus).toEqual({ driver: 'nats', nats: { url: 'nats://10.0.0.5:4222' } });
    expect(c.presence).toEqual({ driver: 'postgres', ttlMs: 5000 });
    expect(c.rateLimiter).toEqual({ driver: 'postgres' });
    const own = resolveAppConfig({ OTTR_STORE: 'postgres', OTTR_PRESENCE: 'memory', OTTR_RATE_LIMITER: 'memory' }, {}, CWD);
    expect([own.presence.driver, own.rateLimiter.driver]).toEqual(['memory', 'memory']);
  });

  it('keeps local media under the data directory unless OTTR_MEDIA_DIR names another', () => {
    expect(resolveAppConfig({ OTTR_DATA_DIR: '/var/lib/ottr' }, {}, CWD).mediaStore.local.dir).toBe('/var/lib/ottr/media');
    expect(resolveAppConfig({ OTTR_MEDIA_DIR: 'blobs' }, {}, CWD).mediaStore.local.dir).toBe('/srv/ottr/blobs');
    expect(resolveAppConfig({ OTTR_MEDIA_DIR: '/mnt/media' }, { dataDir: '/flag' }, CWD).mediaStore.local.dir).toBe('/mnt/media');
  });

  it('reads the S3 media store settings', () => {
    const c = resolveAppConfig(
      {
        OTTR_MEDIA_DRIVER: 's3',
        OTTR_S3_BUCKET: 'chat-media',
        OTTR_S3_REGION: 'eu-central-1',
        OTTR_S3_ENDPOINT: 'http://minio.internal:9000',
        OTTR_S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
        OTTR_S3_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        OTTR_S3_FORCE_PATH_STYLE: 'true',
        OTTR_S3_PREFIX: 'ottr/media',
      },
      {},
      CWD,
    );
    expect(c.mediaStore.driver).toBe('s3');
    expect(c.mediaStore.s3).toEqual({
      bucket: 'chat-media',
      region: 'eu-central-1',
      endpoint: 'http://minio.internal:9000',
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      forcePathStyle: true,
      prefix: 'ottr/media',
    });
    // Keys may come from the AWS SDK's own chain (AWS_* variables, instance role): neither is required.
    expect(resolveAppConfig({ OTTR_MEDIA_DRIVER: 's3', OTTR_S3_BUCKET: 'b' }, {}, CWD).mediaStore.s3).toMatchObject({ region: 'us-east-1', accessKeyId: '', secretAccessKey: '', forcePathStyle: false });
  });

  it('reads OTTR_S3_FORCE_PATH_STYLE as a boolean and reports anything else', () => {
    for (const [raw, value] of [['1', true], ['yes', true], ['TRUE', true], ['false', false], ['0', false], ['off', false]] as const) {
      expect(resolveAppConfig({ OTTR_S3_FORCE_PATH_STYLE: raw }, {}, CWD).mediaStore.s3.forcePathStyle, raw).toBe(value);
    }
    const problems = problemsOf(() => resolveAppConfig({ OTTR_S3_FORCE_PATH_STYLE: 'maybe' }, {}, CWD));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^OTTR_S3_FORCE_PATH_STYLE \(mediaStore\.s3\.forcePathStyle\): Expected boolean.*"maybe"/);
  });

  it('needs a bucket for the S3 media store, and both keys or neither, without echoing the secret', () => {
    expect(problemsOf(() => resolveAppConfig({ OTTR_MEDIA_DRIVER: 's3' }, {}, CWD))).toEqual(['OTTR_S3_BUCKET (mediaStore.s3.bucket): required when OTTR_MEDIA_DRIVER=s3']);
    expect(problemsOf(() => resolveAppConfig({ OTTR_MEDIA_DRIVER: 's3', OTTR_S3_BUCKET: 'b', OTTR_S3_ACCESS_KEY_ID: 'AKIAEXAMPLE' }, {}, CWD))).toEqual([
      'OTTR_S3_SECRET_ACCESS_KEY (mediaStore.s3.secretAccessKey): set both S3 keys or neither',
    ]);
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const problems = problemsOf(() => resolveAppConfig({ OTTR_MEDIA_DRIVER: 's3', OTTR_S3_BUCKET: 'b', OTTR_S3_SECRET_ACCESS_KEY: secret }, {}, CWD));
    expect(problems).toEqual(['OTTR_S3_ACCESS_KEY_ID (mediaStore.s3.accessKeyId): set both S3 keys or neither']);
    const wrongType = problemsOf(() => resolveAppConfig({}, { mediaStore: { s3: { secretAccessKey: 12345 as unknown as string } } }, CWD));
    expect(wrongType.join('\n')).toContain('mediaStore.s3.secretAccessKey');
    expect(wrongType.join('\n')).not.toContain('12345');
  });

  it('push: Web Push on by default, both VAPID keys or neither, APNs needs its key id, team and topic, files resolved', () => {
    const c = resolveAppConfig({}, {}, CWD);
    expect(c.pushProviders.webpush).toEqual({ enabled: true, publicKey: '', privateKey: '', subject: 'mailto:ottr@localhost' });
    expect(c.push).toEqual({ graceMs: 2000, ttlSeconds: 86_400, maxAttempts: 6, backoffMs: 2000, allowInsecureEndpoints: false });
    expect(problemsOf(() => resolveAppConfig({ OTTR_VAPID_PUBLIC_KEY: 'BPub' }, {}, CWD))).toEqual([
      'OTTR_VAPID_PRIVATE_KEY (pushProviders.webpush.privateKey): set both VAPID keys or neither',
    ]);
    expect(problemsOf(() => resolveAppConfig({ OTTR_APNS_KEY_FILE: 'AuthKey.p8', OTTR_APNS_KEY_ID: 'ABC123DEFG' }, {}, CWD))).toEqual([
      'OTTR_APNS_TEAM_ID (pushProviders.apns.teamId): required with OTTR_APNS_KEY_FILE',
      'OTTR_APNS_TOPIC (pushProviders.apns.topic): required with OTTR_APNS_KEY_FILE',
    ]);
    expect(problemsOf(() => resolveAppConfig({ OTTR_VAPID_SUBJECT: 'ops@example.com' }, {}, CWD))[0]).toMatch(/^OTTR_VAPID_SUBJECT/);
    const apns = resolveAppConfig({ OTTR_APNS_KEY_FILE: 'keys/AuthKey.p8', OTTR_APNS_KEY_ID: 'K', OTTR_APNS_TEAM_ID: 'T', OTTR_APNS_TOPIC: 'app', OTTR_FCM_SERVICE_ACCOUNT: 'fcm.json' }, {}, CWD);
    expect(apns.pushProviders.apns.keyFile).toBe(path.join(CWD, 'keys/AuthKey.p8'));
    expect(apns.pushProviders.fcm.serviceAccountFile).toBe(path.join(CWD, 'fcm.json'));
    expect(resolveAppConfig({ OTTR_PUSH_GRACE_MS: '500', OTTR_PUSH_ALLOW_INSECURE: 'true', OTTR_WEBPUSH: 'false' }, {}, CWD)).toMatchObject({
      push: { graceMs: 500, allowInsecureEndpoints: true },
      pushProviders: { webpush: { enabled: false } },
    });
  });

  it('does not accept inherited names as drivers', () => {
    expect(problemsOf(() => resolveAppConfig({ OTTR_STORE: 'constructor' }, {}, CWD))[0]).toContain("unknown store driver 'constructor'");
  });

  it('needs the SMTP URL and sender when email goes over SMTP', () => {
    expect(problemsOf(() => resolveAppConfig({ OTTR_EMAIL_SENDER: 'smtp' }, {}, CWD))).toEqual([
      'OTTR_SMTP_URL (codes.smtp.url): required when OTTR_EMAIL_SENDER=smtp',
      'OTTR_SMTP_FROM (codes.smtp.from): required when OTTR_EMAIL_SENDER=smtp',
    ]);
  });

  it('rejects a short OTTR_SECRET without echoing it', () => {
    const problems = problemsOf(() => resolveAppConfig({ OTTR_SECRET: 'hunter2' }, {}, CWD));
    expect(problems).toEqual(['OTTR_SECRET (secret): must be at least 32 characters']);
  });

  it('reads OTTR_ADMIN_TOKEN (default empty: admin API off) and rejects a short one without echoing it', () => {
    expect(resolveAppConfig({}, {}, CWD).admin.token).toBe('');
    const token = 'a'.repeat(32);
    expect(resolveAppConfig({ OTTR_ADMIN_TOKEN: token }, {}, CWD).admin.token).toBe(token);
    const problems = problemsOf(() => resolveAppConfig({ OTTR_ADMIN_TOKEN: 'open-sesame' }, {}, CWD));
    expect(problems).toEqual(['OTTR_ADMIN_TOKEN (admin.token): must be empty (admin API off) or at least 32 characters']);
    const wrongType = problemsOf(() => resolveAppConfig({}, { admin: { token: 12345 as unknown as string } }, CWD));
    expect(wrongType.join('\n')).not.toContain('12345');
  });

  it('serves the repository\'s apps/web/dist by default, from any working directory; OTTR_WEB_DIR=off serves none', () => {
    const repoWebDist = path.resolve(import.meta.dirname, '../../web/dist');
    expect(resolveAppConfig({}, {}, CWD).web.dir).toBe(repoWebDist);
    expect(resolveAppConfig({}, {}, '/elsewhere').web.dir).toBe(repoWebDist);
    expect(resolveAppConfig({ OTTR_WEB_DIR: 'public' }, {}, CWD).web.dir).toBe('/srv/ottr/public');
    expect(resolveAppConfig({ OTTR_WEB_DIR: 'off' }, {}, CWD).web.dir).toBe('');
  });

  it('has a message that lists the problems for humans', () => {
    try {
      resolveAppConfig({ PORT: 'x', OTTR_STORE: 'foo' }, {}, CWD);
    } catch (err) {
      expect((err as Error).message).toMatch(/^Invalid configuration:\n {2}- PORT \(port\)/);
    }
  });
});

describe('ENV_VARS', () => {
  function schemaAt(dotted: string): TSchema | undefined {
    let cur: TSchema | undefined = AppConfigSchema;
    for (const key of dotted.split('.')) cur = (cur as { properties?: Record<string, TSchema> } | undefined)?.properties?.[key];
    return cur;
  }

  it.each(ENV_VARS.map((v) => [v.name, v] as const))('%s points at a config field of its kind', (_name, v) => {
    const schema = schemaAt(v.path);
    expect(schema, v.path).toBeDefined();
    const type = (schema as { type?: string; anyOf?: { type?: string }[] }).type ?? (schema as { anyOf?: { type?: string }[] }).anyOf?.[0]?.type;
    expect(type).toBe(v.kind);
  });

  it('has unique names, OTTR_-prefixed (PORT is the platform convention)', () => {
    const names = ENV_VARS.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n === 'PORT' || n.startsWith('OTTR_')).toBe(true);
  });
});

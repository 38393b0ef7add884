import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import {
  DevCodeSender,
  LocalMediaStore,
  MemoryBus,
  MemoryPresence,
  MemoryRateLimiter,
  RoutingCodeSender,
  SmtpCodeSender,
  UlidGenerator,
  systemClock,
  type Bus,
  type CodeChannel,
  type CodeSender,
  type MediaStore,
  type PresenceDirectory,
  type PushProviders,
  type RateLimiter,
  type ServerDeps,
  type Store,
} from '@ottr/server';
import { createNatsBus } from '@ottr/bus-nats';
import { createPostgresPresence, createPostgresRateLimiter, createPostgresStore } from '@ottr/store-postgres';
import { createSqliteStore } from '@ottr/store-sqlite';
import { createApnsProvider } from '@ottr/push-apns';
import { createFcmProvider, type FcmServiceAccount } from '@ottr/push-fcm';
import { createWebPushProvider } from '@ottr/push-webpush';
import { ConfigError, type AppConfig } from './config.js';

/** What an adapter factory may use. */
export interface AdapterContext {
  config: AppConfig;
  logger: Logger;
}

type Factory<T> = (ctx: AdapterContext) => T | Promise<T>;

/**
 * The adapters this build knows, by the name configuration uses. Only apps/server picks
 * implementations; adding a backend is one entry here (and its config section).
 */
export const STORE_DRIVERS: Record<string, Factory<Store>> = {
  sqlite: async ({ config, logger }) => {
    const file = config.store.sqlite.path;
    if (file !== ':memory:') await mkdir(path.dirname(file), { recursive: true });
    return createSqliteStore({ path: file, onCheckpointError: (message) => logger.error({ message }, 'store: WAL checkpoint failed') });
  },
  postgres: ({ config }) => createPostgresStore(config.store.postgres),
};

export const BUS_DRIVERS: Record<string, Factory<Bus>> = {
  memory: ({ logger }) => new MemoryBus((err) => logger.error({ err }, 'bus handler failed')),
  nats: ({ config, logger }) =>
    createNatsBus({
      url: config.bus.nats.url,
      name: `ottr-${config.nodeId}`,
      onEvent: (e) => {
        if (e.type === 'disconnected') logger.warn({ server: e.server }, 'bus: NATS connection lost; reconnecting (realtime frames meanwhile are lost; devices heal by sync)');
        else if (e.type === 'reconnected') logger.info({ server: e.server }, 'bus: NATS reconnected');
        else logger.error({ err: e.error, subject: e.subject }, 'bus: NATS error');
      },
    }),
};

/** Online state; '' in config means "follow the store" and is resolved before this is read. */
export const PRESENCE_DRIVERS: Record<string, Factory<PresenceDirectory>> = {
  memory: () => new MemoryPresence(),
  postgres: ({ config, logger }) =>
    createPostgresPresence({
      url: config.store.postgres.url,
      nodeId: config.nodeId,
      ttlMs: config.presence.ttlMs,
      onError: (err) => logger.warn({ err }, 'presence: heartbeat failed (retried on the next beat)'),
    }),
};

export const RATE_LIMITERS: Record<string, Factory<RateLimiter>> = {
  memory: () => new MemoryRateLimiter(),
  postgres: ({ config, logger }) =>
    createPostgresRateLimiter({ url: config.store.postgres.url, onError: (err) => logger.warn({ err }, 'rate limiter: sweeping old counters failed') }),
};

/** Where the bytes of media live: one node's disk, or a bucket every node reads. */
export const MEDIA_STORES: Record<string, Factory<MediaStore>> = {
  local: ({ config }) => new LocalMediaStore({ dir: config.mediaStore.local.dir }),
  // Loaded only when chosen: the AWS SDK adds about half a second to every start.
  // Empty endpoint and keys mean AWS and the SDK's credential chain; the adapter leaves them out.
  s3: async ({ config }) => (await import('@ottr/media-s3')).createS3MediaStore(config.mediaStore.s3),
};

export const CODE_SENDERS: Record<CodeChannel, Record<string, Factory<CodeSender>>> = {
  email: {
    dev: ({ config, logger }) => new DevCodeSender({ logger, dataDir: config.dataDir }),
    smtp: ({ config, logger }) => new SmtpCodeSender({ url: config.codes.smtp.url, from: config.codes.smtp.from, logger }),
  },
  sms: {
    dev: ({ config, logger }) => new DevCodeSender({ logger, dataDir: config.dataDir }),
  },
};

function pick<T>(registry: Record<string, Factory<T>>, name: string, kind: string): Factory<T> {
  const factory = Object.hasOwn(registry, name) ? registry[name] : undefined;
  if (!factory) throw new Error(`Unknown ${kind} '${name}'; known: ${Object.keys(registry).join(', ')}`);
  return factory;
}

/** Everything createServer needs, built from the configuration. `close` releases what was built, store last. */
export async function buildDeps(config: AppConfig, logger: Logger): Promise<{ deps: ServerDeps; close(): Promise<void> }> {
  const ctx: AdapterContext = { config, logger };
  const store = await pick(STORE_DRIVERS, config.store.driver, 'store driver')(ctx);
  // What is open so far is closed again (newest first) when a later adapter fails to open:
  // NATS unreachable must not leave the store's pool behind.
  const opened: (() => Promise<void> | undefined)[] = [() => store.close()];
  const next = async <T>(open: () => T | Promise<T>, close: (t: T) => Promise<void> | undefined): Promise<T> => {
    try {
      const t = await open();
      opened.unshift(() => close(t));
      return t;
    } catch (error) {
      for (const c of opened) await Promise.resolve(c()).catch(() => undefined);
      throw error;
    }
  };
  const bus = await next(() => pick(BUS_DRIVERS, config.bus.driver, 'bus driver')(ctx), (b) => b.close());
  const presence = await next(() => pick(PRESENCE_DRIVERS, config.presence.driver, 'presence driver')(ctx), (p) => p.close());
  const rateLimiter = await next(() => pick(RATE_LIMITERS, config.rateLimiter.driver, 'rate limiter')(ctx), (r) => r.close?.());
  const mediaStore = await next(() => pick(MEDIA_STORES, config.mediaStore.driver, 'media store')(ctx), (m) => m.close());
  const email = await pick(CODE_SENDERS.email, config.codes.email, 'email sender')(ctx);
  // One dev outbox for both channels when both are `dev`.
  const sms = config.codes.sms === config.codes.email ? email : await pick(CODE_SENDERS.sms, config.codes.sms, 'SMS sender')(ctx);
  const codeSender = new RoutingCodeSender({ email, sms });
  const push = await next(() => buildPushProviders(config), (p) => closePush(p));
  const deps: ServerDeps = {
    store,
    mediaStore,
    bus,
    codeSender,
    rateLimiter,
    presence,
    push,
    clock: systemClock,
    ids: new UlidGenerator(),
    logger,
  };
  return {
    deps,
    async close() {
      await closePush(push);
      await presence.close();
      await rateLimiter.close?.();
      await mediaStore.close();
      await bus.close();
      await codeSender.close();
      await store.close();
    },
  };
}

/**
 * The push services configured: Web Push unless turned off (its VAPID keys are resolved by
 * then), FCM with a service-account file, APNs with a .p8 key. Files are read now, so a wrong
 * path fails the start, not the first push.
 */
export async function buildPushProviders(config: AppConfig): Promise<PushProviders> {
  const { webpush, fcm, apns } = config.pushProviders;
  const providers: PushProviders = {};
  if (webpush.enabled) {
    const { publicKey, privateKey, subject } = webpush;
    providers.webpush = { provider: createWebPushProvider({ vapid: { publicKey, privateKey, subject } }), publicKey };
  }
  if (fcm.serviceAccountFile !== '') {
    const serviceAccount = await readConfigFile(fcm.serviceAccountFile, 'OTTR_FCM_SERVICE_ACCOUNT', (text) => JSON.parse(text) as FcmServiceAccount);
    providers.fcm = createFcmProvider({ serviceAccount, ...(fcm.endpoint !== '' && { endpoint: fcm.endpoint }) });
  }
  if (apns.keyFile !== '') {
    const key = await readConfigFile(apns.keyFile, 'OTTR_APNS_KEY_FILE', (text) => text);
    const endpoints = { ...(apns.endpoint !== '' && { production: apns.endpoint }), ...(apns.sandboxEndpoint !== '' && { sandbox: apns.sandboxEndpoint }) };
    providers.apns = createApnsProvider({ key, keyId: apns.keyId, teamId: apns.teamId, topic: apns.topic, endpoints });
  }
  return providers;
}

/** The push kinds a node sends through, for its startup line. */
export function pushKinds(deps: ServerDeps): string[] {
  return Object.keys(deps.push ?? {});
}

async function closePush(p: PushProviders): Promise<void> {
  await Promise.all([p.webpush?.provider, p.fcm, p.apns].map((x) => x?.close()));
}

async function readConfigFile<T>(file: string, variable: string, parse: (text: string) => T): Promise<T> {
  try {
    return parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`${variable}: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`]);
  }
}

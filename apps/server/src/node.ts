import { mkdir } from 'node:fs/promises';
import pino, { type DestinationStream, type Logger } from 'pino';
import { LOG_FORMATTERS, createServer } from '@ottr/server';
import { buildDeps, pushKinds } from './adapters.js';
import { resolveAppConfig, type AppConfig, type AppConfigInput } from './config.js';
import { ensureSecret } from './secret.js';
import { ensureVapidKeys } from './vapid.js';

export interface NodeOverrides {
  /** Values that win over the environment (the CLI's flags). */
  config?: AppConfigInput;
  /** Where the JSON log lines go. Default: stdout. */
  logDestination?: DestinationStream;
  /** Relative paths (data dir, SQLite file) resolve against this. Default: process.cwd(). */
  cwd?: string;
}

export interface RunningNode {
  /** Base URL the node listens on, e.g. http://127.0.0.1:8080. */
  url: string;
  config: AppConfig;
  logger: Logger;
  /** Stops accepting, closes sockets with 1001, flushes and closes the adapters. Idempotent. */
  close(): Promise<void>;
  /** Writes buffered log lines out synchronously (before process.exit). */
  flushLogs(): void;
}

/**
 * Starts one ottr node in this process: configuration (defaults ← env ← overrides, validated),
 * JSON logger, adapters picked by name, the server, listening. Throws ConfigError for a wrong
 * configuration (before anything is opened or written except the data directory).
 */
export async function startNode(env: Record<string, string | undefined> = process.env, overrides: NodeOverrides = {}): Promise<RunningNode> {
  const config = resolveAppConfig(env, overrides.config, overrides.cwd);
  const destination = overrides.logDestination ?? pino.destination({ dest: 1, sync: false });
  const logger = pino({ level: config.logLevel, formatters: LOG_FORMATTERS, base: { node: config.nodeId } }, destination);

  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  config.secret = await ensureSecret(config.dataDir, config.secret, logger);
  const webpush = config.pushProviders.webpush;
  if (webpush.enabled) {
    if (config.store.driver !== 'sqlite' && webpush.publicKey === '') {
      logger.warn('push: no OTTR_VAPID_PUBLIC_KEY/OTTR_VAPID_PRIVATE_KEY with a shared store: this node uses its own VAPID keys, and Web Push fails for browsers subscribed through other nodes (docs/scaling.md, Push notifications)');
    }
    Object.assign(webpush, await ensureVapidKeys(config.dataDir, webpush, logger));
  }
  const built = await buildDeps(config, logger);

  let server: ReturnType<typeof createServer>;
  let url: string;
  try {
    server = createServer(built.deps, config);
    ({ url } = await server.listen());
  } catch (err) {
    await built.close().catch((closeErr: unknown) => logger.error({ err: closeErr }, 'closing adapters after a failed start'));
    throw err;
  }
  logger.info(
    { url, nodeId: config.nodeId, store: config.store.driver, bus: config.bus.driver, presence: config.presence.driver, rateLimiter: config.rateLimiter.driver, media: config.mediaStore.driver, push: pushKinds(built.deps), dataDir: config.dataDir, adminApi: config.admin.token !== '' },
    'ottr listening',
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    config,
    logger,
    close() {
      // The server closes the adapters it was given (store last, after its writes are flushed).
      closing ??= server.close().then(() => logger.info('ottr stopped'));
      return closing;
    },
    flushLogs() {
      try {
        (destination as { flushSync?: () => void }).flushSync?.();
      } catch {
        // the stream is gone; nothing left to write to
      }
    },
  };
}

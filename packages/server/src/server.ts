import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from './config.js';
import type { ServerDeps } from './deps.js';
import type { FrameHandlers, HttpHandlers } from './handlers.js';
import { Metrics } from './metrics/index.js';
import { createHttpApp } from './transport/http/index.js';
import { createGateway, type Gateway } from './transport/ws/index.js';
import { Delivery } from './modules/delivery/index.js';
import { AuthService, authRoutes } from './modules/auth/index.js';
import { AccountsService, accountRoutes } from './modules/accounts/index.js';
import { ConversationsService, conversationRoutes } from './modules/conversations/index.js';
import { MessagesService, ReceiptsService, messageFrames, messageRoutes } from './modules/messages/index.js';
import { SyncService, syncFrames, syncRoutes } from './modules/sync/index.js';
import { PresenceService, presenceFrames, presenceRoutes } from './modules/presence/index.js';
import { JobRunner } from './modules/jobs/index.js';
import { AdminAuth, AdminService, adminRoutes } from './modules/admin/index.js';
import { MediaService, PROCESS_JOB, PURGE_JOB, UrlSigner, mediaFiles, mediaRoutes } from './modules/media/index.js';
import { MESSAGE_JOB, PushService, SEND_JOB, pushRoutes } from './modules/push/index.js';
import { MemoryPresence } from './adapters/memory-presence.js';

export interface ServerOptions extends ServerConfig {
  /** Key for hashing one-time codes: at least 16 characters, stable across restarts and nodes. */
  secret: string;
}

export interface OttrServer {
  /** The Fastify instance (not listening until `listen`). */
  readonly http: FastifyInstance;
  readonly metrics: Metrics;
  /** Starts listening on config.host:config.port; resolves with the base URL. */
  listen(): Promise<{ url: string }>;
  /** Stops accepting, closes sockets with 1001, stops timers and closes the adapters. */
  close(): Promise<void>;
}

/** Wires modules, transports and the adapters chosen by the composition root into one server node. */
export function createServer(deps: ServerDeps, config: ServerOptions): OttrServer {
  const { store, bus, clock, ids, rateLimiter, logger } = deps;
  const metrics = new Metrics();
  const delivery = new Delivery(bus, (n) => metrics.deliveredTo(n));

  const auth = new AuthService({ store, clock, ids, codeSender: deps.codeSender, rateLimiter, delivery, config, logger, secret: config.secret });
  const conversations = new ConversationsService({ store, ids, clock, delivery, config });
  const signer = new UrlSigner(config.secret);
  // The job runner is made below; processing starts as soon as an upload is in.
  let kickJobs = (): void => undefined;
  const media = new MediaService({ store, mediaStore: deps.mediaStore, ids, clock, config, logger, signer, kickJobs: () => kickJobs() });
  // Looked up now, so a missing or broken ffmpeg shows in the log at startup, not at the first voice note.
  media.tools().catch((err: unknown) => logger.error({ err }, 'media: the configured ffmpeg/ffprobe does not run'));
  const files = mediaFiles({ media, signer, clock, ids, uploadExpiryMs: config.media.uploadExpiryMs, simpleUploadMaxBytes: config.media.simpleUploadMaxBytes });
  const push = new PushService({
    store,
    clock,
    config,
    logger,
    providers: deps.push ?? {},
    metrics: (provider, result) => metrics.pushed(provider, result),
    kickJobs: () => kickJobs(),
  });
  const accounts = new AccountsService({
    store,
    clock,
    delivery,
    rateLimiter,
    config,
    logger,
    onAccountDeleted: async (id) => {
      await conversations.leaveAll(id);
      // What only this account still referenced goes now, not at the next cleanup period.
      await media.collectGarbage();
    },
  });
  const messages = new MessagesService({
    store,
    ids,
    clock,
    delivery,
    rateLimiter,
    config,
    onSent: (s) => metrics.sent(s),
    describeMedia: (sender, content) => media.describe(sender, content),
    push,
  });
  const receipts = new ReceiptsService({
    store,
    delivery,
    // A failure here must not fail the read itself: the notification then stays on the other devices.
    onRead: (...args) => push.onRead(...args).catch((err: unknown) => logger.warn({ err }, 'push: clearing after a read failed')),
  });
  const sync = new SyncService(store);
  const directory = deps.presence ?? new MemoryPresence();
  const presence = new PresenceService({
    store,
    bus,
    delivery,
    clock,
    config,
    directory,
    onError: (err) => logger.warn({ err }, 'presence: directory call failed'),
  });
  const adminAuth = new AdminAuth({ clock, rateLimiter, config, logger });
  const admin = new AdminService({ store, clock, delivery, auth, accounts, logger });

  const handlers: HttpHandlers = {
    ...authRoutes(auth),
    ...accountRoutes(accounts),
    ...conversationRoutes(conversations),
    ...messageRoutes(messages, receipts),
    ...syncRoutes(sync),
    ...presenceRoutes(presence),
    ...adminRoutes(admin),
    ...mediaRoutes(media),
    ...pushRoutes(push),
  };
  const frames: FrameHandlers = { ...messageFrames(messages, receipts), ...syncFrames(sync), ...presenceFrames(presence) };
  const authenticate = (token: string) => auth.authenticate(token);

  const http = createHttpApp({
    handlers,
    authenticate,
    authenticateAdmin: (token, ip) => adminAuth.check(token, ip),
    rateLimiter,
    config,
    logger,
    metrics,
    rawRoutes: [files.routes],
    ...(config.publicUrl ? { openApiServerUrl: config.publicUrl } : {}),
    readiness: async () => {
      try {
        await store.accounts.get('acc_00000000000000000000000000' as never);
        return true;
      } catch {
        return false;
      }
    },
  });
  const gateway: Gateway = createGateway({
    authenticate,
    handlers: frames,
    listeners: [presence],
    bus,
    config,
    logger,
    metrics,
  });
  gateway.attach(http.server);

  // Housekeeping is a recurring job: once per period on one node of the cluster, not on each.
  const jobs = new JobRunner({ queue: store.jobs, clock, logger, pollMs: config.jobs.pollMs, leaseMs: config.jobs.leaseMs });
  jobs.every({
    kind: 'maintenance',
    periodMs: config.maintenance.periodMs,
    maxAttempts: 3,
    run: async () => {
      const now = clock.now();
      return {
        expired: await auth.purgeExpired(),
        idempotencyKeys: await store.events.purgeIdempotency(now - config.idempotencyTtlMs),
        jobs: await store.jobs.purgeFinished(now - config.maintenance.jobRetentionMs),
      };
    },
  });
  jobs.handle(PROCESS_JOB, (job) => media.process(job));
  jobs.handle(PURGE_JOB, (job) => media.purge(job));
  jobs.handle(MESSAGE_JOB, (job) => push.fanOut(job));
  jobs.handle(SEND_JOB, (job) => push.send(job));
  jobs.every({
    kind: 'media.cleanup',
    periodMs: config.media.cleanupPeriodMs,
    maxAttempts: 3,
    run: async () => ({ ...(await media.collectGarbage()), expiredUploads: await files.sweep() }),
  });
  kickJobs = () => jobs.kick();
  jobs.start();

  let closing: Promise<void> | undefined;
  return {
    http,
    metrics,
    async listen() {
      const address = await http.listen({ host: config.host, port: config.port });
      return { url: address };
    },
    close() {
      closing ??= (async () => {
        await jobs.stop();
        await push.close();
        await gateway.close(1001);
        // The closed sockets' last-disconnects reach the directory before it withdraws the node.
        await presence.settled();
        await directory.close();
        await http.close();
        await rateLimiter.close?.();
        await store.close();
        await deps.mediaStore.close();
        await bus.close();
        await deps.codeSender.close?.();
      })();
      return closing;
    },
  };
}

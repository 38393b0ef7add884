import type { Logger } from 'pino';
import type { PushProviders } from './modules/push/index.js';
import type { Bus, Clock, CodeSender, IdGenerator, MediaStore, PresenceDirectory, RateLimiter, Store } from './ports/index.js';

/** Everything the server needs from outside, chosen by the composition root (apps/server). */
export interface ServerDeps {
  store: Store;
  /** Where the bytes of media live. Closed with the server. */
  mediaStore: MediaStore;
  bus: Bus;
  codeSender: CodeSender;
  rateLimiter: RateLimiter;
  /** Online state shared by the nodes of a cluster. Default: in memory (one node). Closed with the server. */
  presence?: PresenceDirectory;
  /** The push services to wake devices through (none: no pushes). Closed with the server. */
  push?: PushProviders;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
}

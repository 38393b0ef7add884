import type { Logger } from 'pino';
import type { Bus, Clock, CodeSender, IdGenerator, RateLimiter, Store } from './ports/index.js';

/** Everything the server needs from outside, chosen by the composition root (apps/server). */
export interface ServerDeps {
  store: Store;
  bus: Bus;
  codeSender: CodeSender;
  rateLimiter: RateLimiter;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
}

export type * from './store.js';
export type * from './bus.js';
export type * from './code-sender.js';
export type * from './rate-limiter.js';
export type * from './clock.js';
export type * from './jobs.js';
export type * from './presence.js';
export type * from './media-store.js';

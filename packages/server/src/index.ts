export * from './errors/index.js';
export type * from './ports/index.js';

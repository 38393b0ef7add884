export * from './errors/index.js';
export type * from './ports/index.js';
export { createGateway, WS_PATH } from './transport/ws/index.js';
export type { Gateway, GatewayLogger, GatewayMetrics, GatewayOptions } from './transport/ws/index.js';

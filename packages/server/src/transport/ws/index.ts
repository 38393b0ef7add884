export { createGateway, WS_PATH } from './gateway.js';
export type { Gateway, GatewayLogger, GatewayMetrics, GatewayOptions } from './types.js';

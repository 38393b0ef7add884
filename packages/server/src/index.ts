export * from './errors/index.js';
export type * from './ports/index.js';
export { createGateway, WS_PATH } from './transport/ws/index.js';
export type { Gateway, GatewayLogger, GatewayMetrics, GatewayOptions } from './transport/ws/index.js';
export { createHttpApp, LOG_REDACT, redactUrl, toProblem, PROBLEM_CONTENT_TYPE } from './transport/http/index.js';
export type { HttpAppOptions } from './transport/http/index.js';
export { Metrics, FIXED_ROUTE_LABELS } from './metrics/index.js';
export type { MetricsOptions } from './metrics/index.js';

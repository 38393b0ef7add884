export { Metrics, FIXED_ROUTE_LABELS, type MetricsOptions } from './metrics.js';

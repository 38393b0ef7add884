export { storeConformance } from './store-conformance.js';
export { failureCode } from './failure.js';
export { requireService, inCI } from './require-service.js';
export { jobQueueConformance, type JobQueueHandle } from './jobs-conformance.js';
export { busConformance, eventually, type BusCluster } from './bus-conformance.js';

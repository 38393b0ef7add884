export { storeConformance } from './store-conformance.js';
export { failureCode } from './failure.js';

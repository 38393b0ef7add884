export { storeConformance } from './store-conformance.js';

export { SyncService } from './sync.service.js';
export { syncRoutes } from './sync.http.js';
export { syncFrames } from './sync.ws.js';

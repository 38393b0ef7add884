export { PresenceService, type PresenceDeps } from './presence.service.js';
export { presenceRoutes } from './presence.http.js';
export { presenceFrames } from './presence.ws.js';

export { AdminAuth } from './admin.auth.js';
export type { AdminAuthDeps } from './admin.auth.js';
export { AdminService } from './admin.service.js';
export type { AdminServiceDeps } from './admin.service.js';
export { adminRoutes } from './admin.http.js';

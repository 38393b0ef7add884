export { AccountsService } from './accounts.service.js';
export type { AccountsServiceDeps } from './accounts.service.js';
export { accountRoutes } from './accounts.http.js';

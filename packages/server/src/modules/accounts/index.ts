export { AccountsService, DELETED_ACCOUNT_NAME, profileOf } from './accounts.service.js';
export type { AccountsServiceDeps, LookupRequest, LookupResult } from './accounts.service.js';
export { accountRoutes } from './accounts.http.js';
export type { AccountRoutes } from './accounts.http.js';
/** The owner's view of an account lives with sign-in (it is part of the session); re-exported here. */
export { accountOf } from '../auth/index.js';

import type { HttpHandlers } from '../../handlers.js';
import type { AdminService } from './admin.service.js';

export type AdminRoutes = Required<
  Pick<HttpHandlers, 'adminListAccounts' | 'adminCreateAccount' | 'adminCreateSession' | 'adminSuspendAccount' | 'adminUnsuspendAccount' | 'adminDeleteAccount'>
>;

/** REST handlers of the admin routes; the HTTP transport checks the admin token (AdminAuth) first. */
export function adminRoutes(admin: AdminService): AdminRoutes {
  return {
    adminListAccounts: (_ctx, { query }) => admin.listAccounts(query),
    adminCreateAccount: (_ctx, { body }) => admin.createAccount(body),
    adminCreateSession: (_ctx, { params, body }) => admin.createSession(params.accountId, body),
    adminSuspendAccount: (_ctx, { params }) => admin.suspend(params.accountId),
    adminUnsuspendAccount: (_ctx, { params }) => admin.unsuspend(params.accountId),
    adminDeleteAccount: (_ctx, { params }) => admin.deleteAccount(params.accountId),
  };
}

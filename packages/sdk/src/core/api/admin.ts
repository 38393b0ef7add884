import { ROUTES, type RouteSpec } from '@ottr/protocol';
import { OttrError } from '../errors.js';
import type { AdminRouteId, OptionalInputRouteId, RequestInputs, RequestOutputs, RestClient } from '../rest.js';

/** Options of one admin call. */
export interface AdminCallOptions {
  /** The admin token for this call (default: the client's `adminToken`). */
  token?: string;
}

/**
 * The admin REST routes (`auth: 'admin'` in the protocol's ROUTES), one method per operation id,
 * generated from the route table: `client.admin.adminListAccounts({ query: { q } })`. They use the
 * server's admin token, never the device's session.
 */
export type AdminApi = {
  [K in AdminRouteId]: K extends OptionalInputRouteId
    ? (input?: RequestInputs[K], options?: AdminCallOptions) => Promise<RequestOutputs[K]>
    : (input: RequestInputs[K], options?: AdminCallOptions) => Promise<RequestOutputs[K]>;
} & {
  /** Any admin operation by id. */
  request<K extends AdminRouteId>(operation: K, input?: RequestInputs[K], options?: AdminCallOptions): Promise<NoInfer<RequestOutputs[K]>>;
  /** The admin operation ids this SDK knows. */
  readonly operations: readonly AdminRouteId[];
};

/** Builds the admin API from ROUTES. */
export function createAdminApi(rest: RestClient, adminToken: () => string | undefined): AdminApi {
  const operations = (Object.entries(ROUTES) as [AdminRouteId, RouteSpec][]).filter(([, r]) => (r.auth as unknown) === 'admin').map(([id]) => id);
  const call = (operation: AdminRouteId, input?: unknown, opts?: AdminCallOptions): Promise<unknown> => {
    const token = opts?.token ?? adminToken();
    if (!token) return Promise.reject(new OttrError('unauthorized', 'Admin routes need the admin token (createClient({ adminToken }))'));
    return rest.call(operation, input, { token });
  };
  const api: Record<string, unknown> = {
    operations,
    request: (operation: AdminRouteId, input?: unknown, opts?: AdminCallOptions) => call(operation, input, opts),
  };
  for (const op of operations) api[op] = (input?: unknown, opts?: AdminCallOptions) => call(op, input, opts);
  return api as AdminApi;
}

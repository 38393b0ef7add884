import type { HttpHandlers } from '../../handlers.js';
import type { AccountsService } from './accounts.service.js';

export type AccountRoutes = Required<
  Pick<HttpHandlers, 'getMe' | 'updateMe' | 'deleteMe' | 'listDevices' | 'revokeDevice' | 'getProfile' | 'lookup' | 'listBlocks' | 'block' | 'unblock'>
>;

/** REST handlers of the account routes (input and output are validated by the HTTP transport). */
export function accountRoutes(accounts: AccountsService): AccountRoutes {
  return {
    getMe: (ctx) => accounts.getMe(ctx.auth),
    updateMe: (ctx, { body }) => accounts.updateMe(ctx.auth, body),
    deleteMe: (ctx) => accounts.deleteMe(ctx.auth),
    listDevices: async (ctx) => ({ items: await accounts.listDevices(ctx.auth) }),
    revokeDevice: (ctx, { params }) => accounts.revokeDevice(ctx.auth, params.deviceId),
    getProfile: (_ctx, { params }) => accounts.getProfile(params.accountId),
    lookup: (ctx, { body }) => accounts.lookup(ctx.auth, body),
    listBlocks: async (ctx) => ({ items: await accounts.listBlocks(ctx.auth) }),
    block: (ctx, { params }) => accounts.block(ctx.auth, params.accountId),
    unblock: (ctx, { params }) => accounts.unblock(ctx.auth, params.accountId),
  };
}

import type { HttpHandlers } from '../../handlers.js';
import type { PushService } from './push.service.js';

export function pushRoutes(push: PushService): HttpHandlers {
  return {
    getPushConfig: () => Promise.resolve(push.config()),
    listPushTargets: async (ctx) => ({ items: await push.listTargets(ctx.auth) }),
    putWebPushTarget: (ctx, { body }) => push.putWebPush(ctx.auth, body),
    putFcmTarget: (ctx, { body }) => push.putFcm(ctx.auth, body),
    putApnsTarget: (ctx, { body }) => push.putApns(ctx.auth, body),
    deletePushTarget: (ctx, { params }) => push.deleteTarget(ctx.auth, params.kind),
    getNotificationSettings: (ctx) => push.getSettings(ctx.auth.accountId),
    updateNotificationSettings: (ctx, { body }) => push.updateSettings(ctx.auth.accountId, body),
  };
}

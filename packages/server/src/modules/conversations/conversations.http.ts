import type { HttpHandlers } from '../../handlers.js';
import type { ConversationsService } from './conversations.service.js';

export function conversationRoutes(svc: ConversationsService): HttpHandlers {
  return {
    createConversation: (ctx, { body }) => svc.create(ctx.auth.accountId, body),
    listConversations: (ctx, { query }) => svc.list(ctx.auth.accountId, query),
    getConversation: (ctx, { params }) => svc.get(ctx.auth.accountId, params.conversationId),
    updateConversation: (ctx, { params, body }) => svc.updateInfo(ctx.auth.accountId, params.conversationId, body),
    updateMembership: (ctx, { params, body }) => svc.updateMembership(ctx.auth.accountId, params.conversationId, body),
    joinChannel: (ctx, { params }) => svc.join(ctx.auth.accountId, params.conversationId),
    leaveConversation: async (ctx, { params }) => {
      await svc.leave(ctx.auth.accountId, params.conversationId);
    },
    listMembers: (ctx, { params, query }) => svc.listMembers(ctx.auth.accountId, params.conversationId, query),
    addMembers: async (ctx, { params, body }) => ({ events: await svc.addMembers(ctx.auth.accountId, params.conversationId, body.accountIds) }),
    removeMember: async (ctx, { params }) => ({ event: await svc.removeMember(ctx.auth.accountId, params.conversationId, params.accountId) }),
    setRole: async (ctx, { params, body }) => ({ event: await svc.setRole(ctx.auth.accountId, params.conversationId, params.accountId, body.role) }),
  };
}

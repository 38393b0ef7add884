import type { HttpHandlers } from '../../handlers.js';
import type { MessagesService } from './messages.service.js';
import type { ReceiptsService } from './receipts.service.js';

export function messageRoutes(messages: MessagesService, receipts: ReceiptsService): HttpHandlers {
  return {
    sendMessage: async (ctx, { params, body }) => ({ event: await messages.send(ctx.auth, params.conversationId, body) }),
    listEvents: (ctx, { params, query }) => messages.history(ctx.auth.accountId, params.conversationId, query),
    editMessage: async (ctx, { params, body }) => ({ event: await messages.edit(ctx.auth, params.messageId, body.content) }),
    deleteMessage: async (ctx, { params }) => ({ event: await messages.delete(ctx.auth, params.messageId) }),
    listEdits: async (ctx, { params }) => ({ items: await messages.edits(ctx.auth.accountId, params.messageId) }),
    addReaction: async (ctx, { params }) => ({ event: await messages.react(ctx.auth, params.messageId, params.emoji, false) }),
    removeReaction: async (ctx, { params }) => ({ event: await messages.react(ctx.auth, params.messageId, params.emoji, true) }),
    getReceipts: (ctx, { params }) => messages.receipts(ctx.auth.accountId, params.messageId),
    search: (ctx, { query }) => messages.search(ctx.auth.accountId, query),
    markRead: (ctx, { params, body }) => receipts.mark(ctx.auth.accountId, params.conversationId, 'read', body.seq, ctx.auth),
    markDelivered: (ctx, { params, body }) => receipts.mark(ctx.auth.accountId, params.conversationId, 'delivered', body.seq, ctx.auth),
  };
}

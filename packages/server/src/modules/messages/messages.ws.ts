import type { FrameHandlers } from '../../handlers.js';
import type { MessagesService } from './messages.service.js';
import type { ReceiptsService } from './receipts.service.js';

export function messageFrames(messages: MessagesService, receipts: ReceiptsService): FrameHandlers {
  return {
    send: async (conn, f) => {
      const body = { clientMsgId: f.clientMsgId, ...(f.content ? { content: f.content } : {}), ...(f.replyTo ? { replyTo: f.replyTo } : {}), ...(f.forwardOf ? { forwardOf: f.forwardOf } : {}) };
      return { event: await messages.send(conn, f.conversationId, body) };
    },
    edit: async (conn, f) => ({ event: await messages.edit(conn, f.messageId, f.content) }),
    delete: async (conn, f) => ({ event: await messages.delete(conn, f.messageId) }),
    react: async (conn, f) => ({ event: await messages.react(conn, f.messageId, f.emoji, f.remove ?? false) }),
    delivered: async (conn, f) => {
      await receipts.mark(conn.accountId, f.conversationId, 'delivered', f.seq, conn);
      return {};
    },
    read: async (conn, f) => {
      await receipts.mark(conn.accountId, f.conversationId, 'read', f.seq, conn);
      return {};
    },
  };
}

import type { FrameHandlers } from '../../handlers.js';
import type { PresenceService } from './presence.service.js';

export function presenceFrames(presence: PresenceService): FrameHandlers {
  return {
    presence_subscribe: async (conn, f) => ({ presence: await presence.subscribe(conn, f.accountIds) }),
    presence_unsubscribe: (conn, f) => {
      presence.unsubscribe(conn, f.accountIds);
      return Promise.resolve({});
    },
    typing: async (conn, f) => {
      await presence.typing(conn, f.conversationId, f.state);
      return {};
    },
  };
}

import type { AccountId } from '@ottr/protocol';
import { isId } from '@ottr/protocol';
import { AppError } from '../../errors/index.js';
import type { HttpHandlers } from '../../handlers.js';
import type { PresenceService } from './presence.service.js';

export function presenceRoutes(presence: PresenceService): HttpHandlers {
  return {
    getPresence: async (ctx, { query }) => {
      const ids = query.accountIds.split(',').map((s) => s.trim()).filter(Boolean);
      if (ids.length === 0 || ids.length > 100) throw new AppError('validation_failed', 'accountIds: give 1 to 100 comma-separated account ids');
      const bad = ids.find((id) => !isId('account', id));
      if (bad !== undefined) throw new AppError('validation_failed', `accountIds: not an account id: ${bad.slice(0, 40)}`);
      return { items: await presence.get(ctx.auth.accountId, ids as AccountId[]) };
    },
  };
}

import type { HttpHandlers } from '../../handlers.js';
import type { SyncService } from './sync.service.js';

export function syncRoutes(sync: SyncService): HttpHandlers {
  return { sync: (ctx, { query }) => sync.page(ctx.auth.accountId, query.since, query.limit) };
}

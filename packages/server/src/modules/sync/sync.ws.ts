import type { FrameHandlers } from '../../handlers.js';
import type { SyncService } from './sync.service.js';

export function syncFrames(sync: SyncService): FrameHandlers {
  return { sync: (conn, f) => sync.page(conn.accountId, f.since, f.limit) };
}

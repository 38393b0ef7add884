import { LIMITS, type AccountId, type SyncPage } from '@ottr/protocol';
import type { Store } from '../../ports/index.js';
import { toConversation, toMembership } from '../conversations/index.js';

/**
 * Gap-free sync. A device keeps the cursor of its last complete sync; asking with it returns,
 * page by page, every conversation that changed for the account since then, with the events it
 * missed (messages, edits, deletes, reactions, system events) in seq order, the receipt
 * pointers that moved and its own membership state. No cursor: a snapshot of every
 * conversation, without events (history is paged on demand). The client saves a page's cursor
 * before processing it; processing is idempotent (dedupe by conversation and seq).
 */
export class SyncService {
  constructor(private readonly store: Store) {}

  async page(me: AccountId, since: string | undefined, limit: number | undefined): Promise<SyncPage> {
    const page = await this.store.sync.page(me, since ?? null, limit ?? LIMITS.syncPageEvents);
    return {
      entries: page.entries.map((e) => ({
        conversation: toConversation(e.conversation),
        membership: toMembership(e.membership),
        unreadCount: e.unreadCount,
        events: e.events,
        receipts: e.receipts,
        partial: e.partial,
      })),
      cursor: page.cursor,
      hasMore: page.hasMore,
    };
  }
}

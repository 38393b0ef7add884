import type { SyncPage } from '@ottr/protocol';
import { isOttrError } from './errors.js';
import { KEYS, type SdkStore } from './store.js';
import type { Timeline } from './timeline.js';

/** What the store keeps about sync: the cursor, and the page being applied (if any). */
export interface SyncState {
  /** The server's cursor after the last page saved; null before the first sync. */
  cursor: string | null;
  /**
   * The page whose cursor was saved but which may not be fully applied yet. Saved together with
   * its cursor, before it is applied; cleared once applied. A crash in between re-applies it
   * (idempotently) at the next start, so nothing is lost and nothing doubles.
   */
  pending: { page: SyncPage; snapshot: boolean } | null;
}

/**
 * The sync loop: from the saved cursor until `hasMore` is false. For each page, the cursor is
 * saved (with the page) before the page is applied.
 */
export class SyncRunner {
  private state: SyncState = { cursor: null, pending: null };

  constructor(
    private readonly store: SdkStore,
    private readonly timeline: Timeline,
  ) {}

  async load(): Promise<void> {
    this.state = ((await this.store.get(KEYS.sync)) as SyncState | undefined) ?? { cursor: null, pending: null };
  }

  get cursor(): string | null {
    return this.state.cursor;
  }

  /** Applies a page left half-applied by a crash. */
  async applyPending(): Promise<void> {
    const pending = this.state.pending;
    if (!pending) return;
    await this.apply(pending.page, pending.snapshot);
    await this.save({ cursor: this.state.cursor, pending: null });
  }

  /**
   * Syncs until caught up. `fetchPage` asks the server (a `sync` frame). Returns whether this
   * was the device's first sync (a snapshot: conversation state without events).
   */
  async run(fetchPage: (since: string | null) => Promise<SyncPage>): Promise<{ snapshot: boolean }> {
    await this.applyPending();
    const snapshot = this.state.cursor === null;
    let since = this.state.cursor;
    for (;;) {
      let page: SyncPage;
      try {
        page = await fetchPage(since);
      } catch (err) {
        if (since !== null && isOttrError(err, 'invalid_cursor')) {
          // The server no longer knows this cursor (e.g. its data was reset): start over.
          await this.timeline.reset();
          await this.save({ cursor: null, pending: null });
          return this.run(fetchPage);
        }
        throw err;
      }
      await this.save({ cursor: page.cursor, pending: { page, snapshot } });
      await this.apply(page, snapshot);
      await this.save({ cursor: page.cursor, pending: null });
      since = page.cursor;
      if (!page.hasMore) return { snapshot };
    }
  }

  /** Forgets the cursor (sign-out). */
  async clear(): Promise<void> {
    await this.save({ cursor: null, pending: null });
  }

  private async apply(page: SyncPage, snapshot: boolean): Promise<void> {
    const results = await Promise.allSettled(page.entries.map((e) => this.timeline.applyEntry(e, snapshot)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async save(state: SyncState): Promise<void> {
    await this.store.write([[KEYS.sync, state]]);
    this.state = state;
  }
}

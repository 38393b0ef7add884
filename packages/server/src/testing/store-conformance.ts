import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../ports/index.js';
import { accountAdminTests } from './store/account-admin.js';
import { accountTests } from './store/accounts.js';
import { authTests } from './store/auth.js';
import { concurrencyTests } from './store/concurrency.js';
import { conversationTests } from './store/conversations.js';
import { eventTests } from './store/events.js';
import { Fixture, makeTest, type Suite } from './store/fixtures.js';
import { listTests } from './store/lists.js';
import { mediaTests } from './store/media.js';
import { membershipTests } from './store/memberships.js';
import { pushTests } from './store/push.js';
import { receiptTests } from './store/receipts.js';
import { searchTests } from './store/search.js';
import { stickerPackTests } from './store/sticker-packs.js';
import { syncTests } from './store/sync.js';
import { transferTests } from './store/transfer.js';

/**
 * The one conformance suite of the storage port: every adapter runs it, each against a fresh
 * store per test. An adapter's test file is three lines:
 *
 *   import { storeConformance } from '@ottr/server/testing';
 *   import { createSqliteStore } from './index.js';
 *   storeConformance('sqlite', async () => createSqliteStore({ path: ':memory:' }));
 *
 * `gaps` names tests an adapter does not pass, each with its reason; they are reported as
 * skipped with the reason in their title, never silently left out.
 */
export function storeConformance(name: string, open: () => Promise<Store>, gaps: Readonly<Record<string, string>> = {}): void {
  describe(`store conformance: ${name}`, () => {
    let current: Store | undefined;
    const suite: Suite = {
      get store(): Store {
        if (current === undefined) throw new Error('no store open');
        return current;
      },
      f: new Fixture(() => suite.store),
      test: makeTest(gaps),
      open,
    };
    beforeEach(async () => {
      current = await open();
    });
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });
    for (const part of [accountTests, accountAdminTests, authTests, conversationTests, membershipTests, listTests, receiptTests, eventTests, concurrencyTests, searchTests, syncTests, mediaTests, stickerPackTests, pushTests, transferTests]) {
      part(suite);
    }
  });
}

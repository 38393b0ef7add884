// The SDK's platform-neutral suite (e2e/sdk/suite.ts), run in headless Chromium with the browser
// client: each case in a fresh page on the node's origin, its clients on fresh IndexedDB
// databases. One vitest test per case; a failing case fails with the page's message and stack.
import { expect, it } from 'vitest';
import { sdkSuite } from '../sdk/suite.js';
import type * as SuitePage from './pages/sdk-suite.page.js';
import { describeBrowser } from './support/harness.js';

const ENTRY = 'e2e/browser/pages/sdk-suite.page.ts';

describeBrowser('shared SDK suite (Chromium)', (h) => {
  for (const c of sdkSuite) {
    it(
      c.name,
      async (ctx) => {
        await h.withPage<typeof SuitePage>(
          ctx,
          ENTRY,
          async (page) => {
            const { databases } = await page.call('runCase', c.name);
            expect(databases.length, 'the case created clients').toBeGreaterThan(0);
            expect(databases.filter((d) => !d.exists).map((d) => d.name), 'every client kept its data in IndexedDB').toEqual([]);
          },
          50_000,
        );
      },
      60_000,
    );
  }
});

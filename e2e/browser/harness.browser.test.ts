// The browser harness itself: a page on the node's origin talks to the node over fetch and
// WebSocket, keeps data in IndexedDB, and failures in the page reach the test with their stack.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from './support/bundle.js';
import type * as SmokePage from './pages/smoke.page.js';
import { PageError, describeBrowser } from './support/harness.js';

type Smoke = typeof SmokePage;
const SMOKE = 'e2e/browser/pages/smoke.page.ts';

describeBrowser('browser harness', (h) => {
  it('a bundled script signs in two accounts, and a message sent on one WebSocket arrives on the other', async (ctx) => {
    await h.withPage<Smoke>(ctx, SMOKE, async (page) => {
      const r = await page.call('sendAndReceive', 'hello from Chromium');
      expect(r.origin).toBe(h.node.url);
      expect(r.readyAccounts).toEqual(r.accounts);
      expect(r.received).toEqual({ id: r.sent.id, seq: r.sent.seq, sender: r.accounts[0], content: { kind: 'text', text: 'hello from Chromium' } });
      expect(page.consoleErrors).toEqual([]);
    });
  });

  it('IndexedDB keeps a record across closing and reopening the database on the node origin', async (ctx) => {
    await h.withPage<Smoke>(ctx, SMOKE, async (page) => {
      const value = { cursor: 'c_42', seqs: [1, 2, 3] };
      const r = await page.call('indexedDbRoundTrip', value);
      expect(r).toEqual({ origin: h.node.url, read: value, listed: true });
    });
  });

  it("an error thrown in the page rejects the call with the page's message and a stack mapped to the TypeScript source", async (ctx) => {
    await h.withPage<Smoke>(ctx, SMOKE, async (page) => {
      const err = await page.call('failOnPurpose', 'the page says no').then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(PageError);
      expect((err as PageError).message).toBe('the page says no');
      expect((err as PageError).stack).toMatch(/at nested \(e2e\/browser\/pages\/smoke\.page\.ts:\d+:\d+\)/);
    });
  });

  it('an uncaught error in the page fails the test that opened it, with the error and its stack', async (ctx) => {
    const failed = await h
      .withPage<Smoke>(ctx, SMOKE, async (page) => {
        await page.call('throwUncaught', 'nobody caught this');
        await expect.poll(() => page.pageErrors.length).toBe(1);
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toContain('uncaught error in the page');
    expect((failed as Error).message).toMatch(/nobody caught this[\s\S]*e2e\/browser\/pages\/smoke\.page\.ts:\d+/);
    // The failure left a screenshot and a log naming the error (removed again: this test passed).
    const artifacts = /artifacts: (\S+\.png), (\S+\.log)/.exec((failed as Error).message);
    expect(artifacts?.[1]).toMatch(/^test-output\/browser\/harness\.browser\//);
    const [png, log] = [path.join(REPO_ROOT, artifacts![1]!), path.join(REPO_ROOT, artifacts![2]!)];
    expect((await readFile(png)).subarray(1, 4).toString()).toBe('PNG');
    expect(await readFile(log, 'utf8')).toContain('nobody caught this');
    await Promise.all([rm(png), rm(log)]);
  });
});

import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, type TestContext } from 'vitest';
import { REPO_ROOT } from './bundle.js';
import { chromiumMissing, launchChromium, type Chromium } from './chromium.js';
import { startServer, type TestServer } from '../../support/server.js';
import { TestPage } from './test-page.js';

export { PageError, TestPage } from './test-page.js';

/** Where failures leave a screenshot and a log: test-output/browser/<test file>/<test>.{png,log}. */
export const OUTPUT_DIR = path.join(REPO_ROOT, 'test-output', 'browser');

/**
 * The node of a browser test file: info logs (for failure reports), and no per-IP limits on
 * sign-in codes, since every sign-in comes from 127.0.0.1.
 */
const MANY = { limit: 1_000_000, windowMs: 3600_000 };
const NODE_CONFIG = { logLevel: 'info', auth: { codePerIp: MANY, verifyPerIp: MANY } } as const;

/** A page call that takes longer fails the test (below vitest's 30 s, so artifacts get written). */
const PAGE_TIMEOUT_MS = 20_000;

export interface BrowserHarness {
  /** The node the pages are opened on (valid inside tests and hooks). */
  readonly node: TestServer;
  /**
   * Opens a fresh page on the node's origin with `entry` (a TypeScript module, path from the
   * repository root) bundled into it, runs `fn`, and closes the page. The test fails if `fn`
   * throws, takes longer than `timeoutMs`, or the page had an uncaught error; on failure a
   * screenshot and a log (console, page errors, node log lines) go to test-output/browser/.
   */
  withPage<M>(ctx: TestContext, entry: string, fn: (page: TestPage<M>) => Promise<void>, timeoutMs?: number): Promise<void>;
}

/** Whether this is CI (`CI=true` or `1`), where a missing Chromium fails instead of skipping. */
function inCi(): boolean {
  return /^(true|1)$/i.test(process.env.CI ?? '');
}

/**
 * The rule for every browser test file, called in its beforeAll: null when Chromium is there;
 * without it, the reason to skip the tests with (printed) on a developer machine, and an error
 * in CI, where browser tests must run.
 */
export function chromiumSkipReason(): string | null {
  const missing = chromiumMissing();
  if (!missing) return null;
  if (inCi()) throw new Error(`${missing} (CI is set, so browser tests must run)`);
  console.warn(`browser tests skipped: ${missing}`);
  return missing;
}

/**
 * A describe block of browser tests: one Chromium and one ottr node for the whole block (one
 * block per test file), closed in afterAll. Without Chromium at /usr/bin/chromium every test in
 * it is skipped with the reason on a developer machine, and fails with it in CI.
 */
export function describeBrowser(name: string, body: (harness: BrowserHarness) => void): void {
  describe(name, () => {
    let missing: string | null = null;
    let chromium: Chromium | undefined;
    let node: TestServer | undefined;
    let outputDir = OUTPUT_DIR;

    // eslint-disable-next-line no-empty-pattern -- vitest reads the context argument as a fixture pattern
    beforeAll(async ({}, suite) => {
      missing = chromiumSkipReason();
      if (missing) return;
      outputDir = path.join(OUTPUT_DIR, path.basename(suite.file.name).replace(/\.test\.ts$/, ''));
      await rm(outputDir, { recursive: true, force: true });
      const [browser, server] = await Promise.allSettled([launchChromium(), startServer(NODE_CONFIG)]);
      if (browser.status === 'fulfilled') chromium = browser.value;
      if (server.status === 'fulfilled') node = server.value;
      if (browser.status === 'rejected') throw browser.reason;
      if (server.status === 'rejected') throw server.reason;
    }, 60_000);

    beforeEach((ctx) => {
      if (missing) ctx.skip(missing);
    });

    afterAll(async () => {
      await Promise.all([chromium?.close(), node?.close()]);
    }, 30_000);

    const harness: BrowserHarness = {
      get node() {
        if (!node) throw new Error('the browser harness has not started (use it inside tests)');
        return node;
      },
      async withPage<M>(ctx: TestContext, entry: string, fn: (page: TestPage<M>) => Promise<void>, timeoutMs = PAGE_TIMEOUT_MS) {
        if (!chromium || !node) throw new Error('the browser harness has not started');
        const page = await TestPage.open<M>(chromium.context, node, entry);
        let timer: NodeJS.Timeout | undefined;
        try {
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`the page did not finish within ${timeoutMs} ms`)), timeoutMs);
          });
          const run = fn(page);
          run.catch(() => undefined); // after a timeout, its rejection (the page closed) is not news
          await Promise.race([run, timeout]);
          if (page.pageErrors.length > 0) throw new Error(`uncaught error in the page:\n${page.pageErrors.join('\n')}`);
        } catch (err) {
          const files = await saveFailure(outputDir, ctx.task.name, err, page, node).catch((saveErr: unknown) => `(could not save artifacts: ${String(saveErr)})`);
          if (err instanceof Error) err.message = [err.message, describePage(page), files].filter(Boolean).join('\n');
          throw err;
        } finally {
          clearTimeout(timer);
          await page.close();
        }
      },
    };
    body(harness);
  });
}

function describePage(page: TestPage<unknown>): string {
  const lines: string[] = [];
  if (page.pageErrors.length) lines.push(`page errors:\n  ${page.pageErrors.join('\n  ')}`);
  if (page.consoleErrors.length) lines.push(`console errors:\n  ${page.consoleErrors.join('\n  ')}`);
  return lines.join('\n');
}

/** Writes <test>.png (the page as it was) and <test>.log; returns a line naming them. */
async function saveFailure(dir: string, testName: string, err: unknown, page: TestPage<unknown>, node: TestServer): Promise<string> {
  await mkdir(dir, { recursive: true });
  const base = path.join(dir, testName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-|-$/g, '').slice(0, 120) || 'test');
  const screenshot = await page.page
    .screenshot({ path: `${base}.png`, fullPage: true, timeout: 5_000 })
    .then(() => `${base}.png`)
    .catch(() => null);
  const log = [
    `test: ${testName}`,
    `url: ${page.page.url()}`,
    '',
    '== error',
    err instanceof Error ? (err.stack ?? err.message) : String(err),
    '',
    '== page errors',
    ...page.pageErrors,
    '',
    '== console',
    ...page.console,
    '',
    '== node log (while the page was open)',
    ...node.logs.slice(page.firstLogLine),
    '',
  ].join('\n');
  await writeFile(`${base}.log`, log);
  return `artifacts: ${[screenshot, `${base}.log`].filter(Boolean).map((f) => path.relative(REPO_ROOT, f!)).join(', ')}`;
}

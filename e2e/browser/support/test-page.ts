import type { BrowserContext, Page } from 'playwright-core';
import type { TestServer } from '../../support/server.js';
import { PAGE_GLOBAL, bundleForPage, type PageBundle } from './bundle.js';
import { EXPOSED } from './exposed.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any function signature
type AnyFn = (...args: any[]) => unknown;
/** The functions a page module exports (the ones a test may call). */
export type PageExports<M> = { [K in keyof M as M[K] extends AnyFn ? K : never]: M[K] };

/** An error thrown in the page: its message, and its stack mapped back to TypeScript sources. */
export class PageError extends Error {
  override name = 'PageError';
  constructor(message: string, pageStack: string) {
    super(message);
    this.stack = pageStack.includes(message) ? pageStack : `PageError: ${message}\n${pageStack}`;
  }
}

type CallOutcome = { ok: true; value: unknown } | { ok: false; message: string; stack: string };

/**
 * One browser page on the node's own origin (`<node url>/healthz`, so fetch, WebSocket and
 * IndexedDB are same-origin), with a bundled TypeScript module injected whose exported functions
 * the test calls. Everything the page prints is kept for the failure report.
 */
export class TestPage<M = Record<string, AnyFn>> {
  /** Every console message, `[type] text`, in order. */
  readonly console: string[] = [];
  /** Console messages of type error, the browser's own too (e.g. a failed WebSocket), but not the favicon 404. */
  readonly consoleErrors: string[] = [];
  /** Uncaught exceptions and unhandled rejections in the page, with mapped stacks. */
  readonly pageErrors: string[] = [];
  /** Index of the first node log line written while this page was open. */
  readonly firstLogLine: number;

  private constructor(
    readonly page: Page,
    readonly bundle: PageBundle,
    node: TestServer,
  ) {
    this.firstLogLine = node.logs.length;
    page.on('console', (msg) => {
      const where = msg.location().url;
      this.console.push(`[${msg.type()}] ${msg.text()}${where ? ` (${where})` : ''}`);
      // The browser asks every origin for /favicon.ico by itself; the node has none (404).
      if (msg.type() === 'error' && !where.endsWith('/favicon.ico')) this.consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => this.pageErrors.push(bundle.remapStack(err.stack ?? `${err.name}: ${err.message}`)));
  }

  /** Opens a page on the node's origin, exposes the Node-side helpers, injects `entry` bundled. */
  static async open<M>(context: BrowserContext, node: TestServer, entry: string): Promise<TestPage<M>> {
    const bundle = await bundleForPage(entry);
    const page = await context.newPage();
    try {
      const testPage = new TestPage<M>(page, bundle, node);
      await page.exposeFunction(EXPOSED.signIn, (email?: string) => node.signIn(email));
      const res = await page.goto(`${node.url}/healthz`);
      if (!res?.ok()) throw new Error(`GET ${node.url}/healthz answered ${res?.status()}`);
      await page.addScriptTag({ content: bundle.code });
      return testPage;
    } catch (err) {
      await page.close().catch(() => undefined);
      throw err;
    }
  }

  /**
   * Calls an exported function of the page module with JSON-like arguments and resolves with
   * its (awaited) result; rejects with a PageError carrying the page's message and mapped stack.
   */
  async call<K extends keyof PageExports<M>>(
    fn: K,
    ...args: PageExports<M>[K] extends AnyFn ? Parameters<PageExports<M>[K]> : never
  ): Promise<PageExports<M>[K] extends AnyFn ? Awaited<ReturnType<PageExports<M>[K]>> : never> {
    const outcome = await this.page.evaluate(
      async ([global, name, callArgs]): Promise<CallOutcome> => {
        const mod = (globalThis as unknown as Record<string, Record<string, unknown> | undefined>)[global];
        const target = mod?.[name];
        if (typeof target !== 'function') return { ok: false, message: `the page module exports no function ${name}`, stack: '' };
        try {
          return { ok: true, value: await (target as AnyFn)(...callArgs) };
        } catch (err) {
          const e = err instanceof Error ? err : new Error(String(err));
          return { ok: false, message: `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`, stack: e.stack ?? '' };
        }
      },
      [PAGE_GLOBAL, String(fn), args as unknown[]] as const,
    );
    if (!outcome.ok) throw new PageError(outcome.message, this.bundle.remapStack(outcome.stack));
    return outcome.value as never;
  }

  /** Closes the page (pending calls reject). */
  async close(): Promise<void> {
    await this.page.close().catch(() => undefined);
  }
}

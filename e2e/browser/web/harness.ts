/**
 * The web app's end-to-end harness: per test file ONE ottr server process (serving the built
 * app) and ONE headless Chromium; each simulated person gets a browser context of their own
 * (own IndexedDB, localStorage, service worker) with one page. Every page error, console error
 * and Content-Security-Policy violation fails the test that was running; on failure each open
 * page leaves a screenshot and a log in test-output/browser/web/.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, type TestContext } from 'vitest';
import { REPO_ROOT } from '../support/bundle.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.js';
import { chromiumSkipReason, OUTPUT_DIR } from '../support/harness.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

/** Failure artifacts: test-output/browser/web/<test file>/<test>-<person>.{png,log}. */
const FAILURE_DIR = path.join(OUTPUT_DIR, 'web');
/** Screenshots of the main screens, written on every run. */
export const SCREENS_DIR = path.join(OUTPUT_DIR, 'screens');

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 360, height: 740 } as const;

/** Playwright waits (locators, expect.poll) give up after this; below the tests' 60 s. */
export const WAIT_MS = 15_000;

/** The binding the init script reports CSP violations through. */
const CSP_BINDING = '__ottrCspViolation';
/** Runs in every document before its own scripts (injected over CDP, so the page's CSP does not apply). */
const CSP_LISTENER = `document.addEventListener('securitypolicyviolation', (e) => {
  window.${CSP_BINDING}(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber + (e.sample ? ' (' + e.sample + ')' : ''));
});`;

export interface PersonOptions {
  /** Viewport; default DESKTOP. */
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
}

/** One simulated person: a browser context of their own with one page on the app. */
export interface Person {
  /** Display name they give in the welcome dialog. */
  readonly name: string;
  /** Their sign-in email (unique per run). */
  readonly email: string;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors matching `pattern` are expected from now until the returned function is called (e.g. while offline). */
  allowConsoleErrors(pattern: RegExp): () => void;
  /** CSP violations seen on this person's pages since the file started (the CSP test asserts none over the whole file). */
  readonly cspViolations: readonly string[];
}

export interface WebHarness {
  /** The server process (valid inside tests and hooks). */
  readonly server: ServerProcess;
  /** A new person with a fresh context and page (not yet on the app). Closed with the file. */
  person(name: string, options?: PersonOptions): Promise<PersonHandle>;
}

/** What the harness keeps about a person (Person plus what the failure report needs). */
interface PersonHandle extends Person {
  /** Page errors, unexpected console errors and CSP violations, in order. */
  readonly problems: string[];
  /** Everything the page printed, and its errors, in order. */
  readonly log: string[];
}

let emailCounter = 0;

/** Options of a web test file. */
export interface WebOptions {
  /** Chromium flags on top of CHROMIUM_ARGS (e.g. a fake microphone). */
  chromiumArgs?: readonly string[];
}

/** Flags for a fake microphone that needs no permission prompt (a beep on a loop). */
export const FAKE_MICROPHONE = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'] as const;

/**
 * A describe block of web-app tests (one per test file): one server process and one Chromium,
 * started in beforeAll, stopped in afterAll. Without Chromium the tests are skipped with the
 * reason on a developer machine and fail in CI (the rule of e2e/browser/support/harness.ts).
 */
export function describeWeb(name: string, body: (web: WebHarness) => void, options: WebOptions = {}): void {
  describe(name, () => {
    let missing: string | null = null;
    let browser: Browser | undefined;
    let server: ServerProcess | undefined;
    let fileName = 'web';
    const people: PersonHandle[] = [];
    /** For each person, how many problems they had when the current test started. */
    const problemsAtStart = new Map<PersonHandle, number>();

    // eslint-disable-next-line no-empty-pattern -- vitest reads the context argument as a fixture pattern
    beforeAll(async ({}, suite) => {
      missing = chromiumSkipReason();
      if (missing) return;
      fileName = path.basename(suite.file.name).replace(/\.test\.ts$/, '');
      await rm(path.join(FAILURE_DIR, fileName), { recursive: true, force: true });
      const [b, s] = await Promise.allSettled([chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...(options.chromiumArgs ?? [])], timeout: 30_000 }), startServerProcess()]);
      if (b.status === 'fulfilled') browser = b.value;
      if (s.status === 'fulfilled') server = s.value;
      if (b.status === 'rejected') throw b.reason;
      if (s.status === 'rejected') throw s.reason;
    }, 60_000);

    beforeEach((ctx) => {
      if (missing) ctx.skip(missing);
      for (const p of people) problemsAtStart.set(p, p.problems.length);
    });

    afterEach(async (ctx) => {
      if (missing) return;
      const problems = people.flatMap((p) => p.problems.slice(problemsAtStart.get(p) ?? 0).map((text) => `${p.name}: ${text}`));
      const failed = ctx.task.result?.state === 'fail' || problems.length > 0;
      if (!failed) return;
      const files = await saveFailure(path.join(FAILURE_DIR, fileName), ctx, people, server).catch((err: unknown) => `(could not save artifacts: ${String(err)})`);
      if (problems.length > 0) throw new Error(`the app reported problems during the test:\n  ${problems.join('\n  ')}\n${files}`);
      console.error(`${ctx.task.name}: ${files}`);
    }, 30_000);

    afterAll(async () => {
      await Promise.allSettled(people.map((p) => p.context.close()));
      await Promise.allSettled([browser?.close(), server?.stop()]);
    }, 30_000);

    body({
      get server() {
        if (!server) throw new Error('the web harness has not started (use it inside tests)');
        return server;
      },
      async person(personName, options = {}) {
        if (!browser) throw new Error('the web harness has not started');
        const person = await newPerson(browser, personName, options);
        people.push(person);
        problemsAtStart.set(person, 0);
        return person;
      },
    });
  });
}

async function newPerson(browser: Browser, name: string, options: PersonOptions): Promise<PersonHandle> {
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, colorScheme: options.colorScheme ?? 'light' });
  context.setDefaultTimeout(WAIT_MS);
  const problems: string[] = [];
  const log: string[] = [];
  const cspViolations: string[] = [];
  const allowed = new Set<RegExp>();
  const csp = (text: string): void => {
    cspViolations.push(text);
    problems.push(`CSP violation: ${text}`);
  };
  await context.exposeBinding(CSP_BINDING, (_source, text: string) => csp(text));
  await context.addInitScript({ content: CSP_LISTENER });
  const page = await context.newPage();
  page.on('console', (msg) => {
    const text = msg.text();
    const where = msg.location().url;
    log.push(`[${msg.type()}] ${text}${where ? ` (${where})` : ''}`);
    if (/Content Security Policy/i.test(text)) csp(text);
    else if (msg.type() === 'error' && ![...allowed].some((re) => re.test(text))) problems.push(`console error: ${text}${where ? ` (${where})` : ''}`);
  });
  page.on('pageerror', (err) => {
    const text = err.stack ?? `${err.name}: ${err.message}`;
    log.push(`[pageerror] ${text}`);
    problems.push(`page error: ${text}`);
  });
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) log.push(`[navigated] ${frame.url()}`);
  });
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${process.pid}-${++emailCounter}@example.com`;
  return {
    name,
    email,
    context,
    page,
    problems,
    log,
    cspViolations,
    allowConsoleErrors(pattern) {
      allowed.add(pattern);
      return () => allowed.delete(pattern);
    },
  };
}

function fileSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-|-$/g, '').slice(0, 100) || 'test';
}

/** A screenshot and a log per person (the page as it was, what it printed), and the server's log. */
async function saveFailure(dir: string, ctx: TestContext, people: PersonHandle[], server: ServerProcess | undefined): Promise<string> {
  await mkdir(dir, { recursive: true });
  const base = path.join(dir, fileSafe(ctx.task.name));
  const written: string[] = [];
  for (const p of people) {
    if (p.page.isClosed()) continue;
    const png = `${base}-${fileSafe(p.name)}.png`;
    if (await p.page.screenshot({ path: png, fullPage: true, timeout: 5_000 }).then(() => true, () => false)) written.push(png);
    const logFile = `${base}-${fileSafe(p.name)}.log`;
    await writeFile(logFile, [`person: ${p.name} <${p.email}>`, `url: ${p.page.url()}`, '', '== problems', ...p.problems, '', '== page log', ...p.log, ''].join('\n'));
    written.push(logFile);
  }
  const errors = ctx.task.result?.errors?.map((e) => e.stack ?? e.message) ?? [];
  await writeFile(`${base}-server.log`, [`test: ${ctx.task.name}`, '', '== test errors', ...errors, '', '== server log', ...(server?.logs ?? []), ''].join('\n'));
  written.push(`${base}-server.log`);
  return `artifacts: ${written.map((f) => path.relative(REPO_ROOT, f)).join(', ')}`;
}

/** Writes a screenshot of the page to test-output/browser/screens/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENS_DIR, `${name}.png`), animations: 'disabled', caret: 'hide' });
}

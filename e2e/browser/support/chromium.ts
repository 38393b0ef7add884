import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium. Browsers are never downloaded by a test tool's installer. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for a headless Chromium on a machine with a closed network: without the
 * background-networking flags Chromium keeps trying (and failing) to reach Google's hosts.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/**
 * Why browser tests cannot run here, or null when they can. The one place that decides it:
 * see `describeBrowser` in harness.ts for what follows (skip on a developer machine, fail in CI).
 */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `Chromium not found at ${CHROMIUM_PATH}: apt-get install chromium`;
}

const LAUNCH_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 10_000;

export interface Chromium {
  /** The browser's one context (persistent, in a fresh user-data directory). */
  context: BrowserContext;
  userDataDir: string;
  /** Closes the browser; kills its processes if it does not close within 10 s. Idempotent. */
  close(): Promise<void>;
}

/** Launches Debian's Chromium headless with a fresh user-data directory. */
export async function launchChromium(): Promise<Chromium> {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'ottr-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: LAUNCH_TIMEOUT_MS,
      viewport: { width: 1024, height: 768 },
    });
  } catch (err) {
    await killProcessesUsing(userDataDir);
    await rm(userDataDir, { recursive: true, force: true });
    throw err;
  }

  let closing: Promise<void> | undefined;
  return {
    context,
    userDataDir,
    close() {
      closing ??= (async () => {
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), CLOSE_TIMEOUT_MS)));
        const outcome = await Promise.race([context.close().then(() => 'closed' as const, () => 'failed' as const), timedOut]);
        clearTimeout(timer);
        // Whatever close() did, no process of this browser may outlive the test file.
        const killed = await killProcessesUsing(userDataDir);
        if (outcome !== 'closed' || killed > 0) {
          console.warn(`chromium: close ${outcome}; killed ${killed} leftover process(es) of ${userDataDir}`);
        }
        await rm(userDataDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

/**
 * Sends SIGKILL to every process whose command line names `userDataDir` (which is unique to one
 * launch, so only the processes of that browser match). Linux only (/proc); returns how many.
 */
async function killProcessesUsing(userDataDir: string): Promise<number> {
  if (process.platform !== 'linux') return 0;
  const marker = `--user-data-dir=${userDataDir}`;
  let killed = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    // Child processes rewrite their title, so the arguments may be separated by spaces, not NULs.
    const at = cmdline.indexOf(marker);
    if (at < 0 || !/^(?:[\0 ]|$)/.test(cmdline.slice(at + marker.length))) continue;
    try {
      process.kill(Number(entry), 'SIGKILL');
      killed++;
    } catch {
      // already gone
    }
  }
  return killed;
}

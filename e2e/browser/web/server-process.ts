/**
 * A real ottr server process for the web app's tests: `npm start`'s entry (apps/server/src/main.ts)
 * as a child process on 127.0.0.1, any free port, a fresh data directory, configured by
 * environment only. It serves the built web app at / (OTTR_WEB_DIR, default apps/web/dist, which
 * vitest's globalSetup keeps built from the current sources).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../support/bundle.js';

const MAIN = path.join(REPO_ROOT, 'apps/server/src/main.ts');
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface ServerProcess {
  /** Base URL, e.g. http://127.0.0.1:41234 (the app is at `${url}/`). */
  readonly url: string;
  readonly dataDir: string;
  /** Every line the process printed (JSON log lines and anything else), in order. */
  readonly logs: string[];
  /** The latest sign-in code the dev outbox holds for `to` (an email or a phone number), or null. */
  codeFor(to: string): Promise<string | null>;
  /** SIGTERM, then SIGKILL after 10 s; removes the data directory. Idempotent. */
  stop(): Promise<void>;
}

/** Starts the server and resolves once it logged `ottr listening` (with the URL it listens on). */
export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ottr-web-e2e-'));
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', OTTR_HOST: '127.0.0.1', OTTR_DATA_DIR: dataDir, OTTR_NODE_ID: 'web-e2e', OTTR_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)));
  const url = new Promise<string>((resolve, reject) => {
    let partial = '';
    const onData = (chunk: Buffer): void => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) {
        logs.push(line);
        if (line.includes('"ottr listening"')) resolve((JSON.parse(line) as { url: string }).url);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((how) => reject(new Error(`the ottr server exited (${how}) before listening:\n${logs.join('\n')}`)));
  });

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the ottr server did not listen within ${START_TIMEOUT_MS} ms:\n${logs.join('\n')}`)), START_TIMEOUT_MS);
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(kill);
      await rm(dataDir, { recursive: true, force: true });
    })());
  let base: string;
  try {
    base = await Promise.race([url, timeout]);
  } catch (err) {
    await stop();
    throw err;
  } finally {
    clearTimeout(timer);
  }

  return {
    url: base,
    dataDir,
    logs,
    async codeFor(to) {
      const outbox = await readFile(path.join(dataDir, 'dev-outbox.log'), 'utf8').catch(() => '');
      const line = outbox
        .trim()
        .split('\n')
        .reverse()
        .find((l) => l.split('\t')[2] === to);
      return line?.split('\t')[3] ?? null;
    },
    stop,
  };
}

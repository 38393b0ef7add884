// Test support: a real server in a child process (`ottr serve --port 0` on a temporary data dir,
// bound to 127.0.0.1) and the `ottr` command run as a child process with its own config dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const BIN = path.join(ROOT, 'apps/cli/bin/ottr.mjs');
/** The admin token the test servers are started with. */
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdefghijklmnop';

export interface TestServer {
  url: string;
  dataDir: string;
  /** The latest sign-in code the dev outbox holds for `to` (phone or email). */
  codeFor(to: string): Promise<string>;
  stop(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
/** Stops every server, child and temporary directory started through this module. */
export async function cleanup(): Promise<void> {
  await Promise.all(cleanups.splice(0).map((c) => c().catch(() => undefined)));
}

export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function baseEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...extra };
}

/** Starts a server; `reuse` starts it again on the data dir and port of one that was stopped. */
export async function startServer(env: Record<string, string> = {}, reuse?: TestServer): Promise<TestServer> {
  const dataDir = reuse?.dataDir ?? (await tempDir('ottr-cli-server-'));
  const port = reuse ? new URL(reuse.url).port : '0';
  const child = spawn(process.execPath, [BIN, 'serve', '--port', port, '--host', '127.0.0.1', '--data-dir', dataDir], {
    env: baseEnv({ OTTR_LOG_LEVEL: 'info', OTTR_ADMIN_TOKEN: ADMIN_TOKEN, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.includes('"ottr listening"')) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
  });
  child.stdout.resume();
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  cleanups.unshift(stop);
  return {
    url,
    dataDir,
    stop,
    async codeFor(to: string) {
      const lines = (await readFile(path.join(dataDir, 'dev-outbox.log'), 'utf8')).trim().split('\n');
      const line = lines.reverse().find((l) => l.split('\t')[2] === to);
      if (!line) throw new Error(`no code for ${to} in the dev outbox`);
      return line.split('\t')[3]!;
    },
  };
}

export interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code once the process exited (and its output was read). */
  exited: Promise<number | null>;
  /** Resolves with the first stdout line (after those already taken) that `match` accepts. */
  nextLine(match?: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Resolves once stderr contains `text`. */
  waitStderr(text: string | RegExp, timeoutMs?: number): Promise<void>;
  write(text: string): void;
}

/** A user of the CLI: one config dir (OTTR_CONFIG_DIR), so one set of profiles. */
export class User {
  constructor(
    readonly configDir: string,
    readonly server: TestServer,
    readonly env: Record<string, string> = {},
  ) {}

  static async create(server: TestServer, env: Record<string, string> = {}): Promise<User> {
    return new User(await tempDir('ottr-cli-config-'), server, env);
  }

  /** Starts `ottr …args` (with --server of the test server unless `server: false`). */
  start(args: string[], opts: { stdin?: string; env?: Record<string, string>; server?: boolean } = {}): Run {
    const withServer = opts.server === false ? args : [...args, '--server', this.server.url];
    const child = spawn(process.execPath, [BIN, ...withServer], {
      env: baseEnv({ OTTR_CONFIG_DIR: this.configDir, ...this.env, ...opts.env }),
      stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    cleanups.unshift(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    if (typeof opts.stdin === 'string' && opts.stdin !== 'pipe') child.stdin!.end(opts.stdin);
    let out = '';
    let err = '';
    let taken = 0;
    const waiters: (() => void)[] = [];
    const wake = () => waiters.splice(0).forEach((w) => w());
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      wake();
    });
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString('utf8');
      wake();
    });
    const exited = new Promise<number | null>((resolve) =>
      child.once('close', (code) => {
        wake();
        resolve(code);
      }),
    );
    const until = <T>(check: () => T | undefined, what: () => string, timeoutMs: number): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what()}\nstdout: ${out}\nstderr: ${err}`)), timeoutMs);
        const attempt = () => {
          const v = check();
          if (v !== undefined) {
            clearTimeout(timer);
            resolve(v);
          } else if (child.exitCode !== null && child.stdout!.readableEnded) {
            clearTimeout(timer);
            reject(new Error(`exited ${child.exitCode} while waiting for ${what()}\nstdout: ${out}\nstderr: ${err}`));
          } else waiters.push(attempt);
        };
        attempt();
      });
    return {
      child,
      stdout: () => out,
      stderr: () => err,
      exited,
      nextLine: (match = () => true, timeoutMs = 15_000) =>
        until(
          () => {
            for (;;) {
              const end = out.indexOf('\n', taken);
              if (end < 0) return undefined;
              const line = out.slice(taken, end);
              taken = end + 1;
              if (match(line)) return line;
            }
          },
          () => 'a matching stdout line',
          timeoutMs,
        ),
      waitStderr: (text, timeoutMs = 15_000) =>
        until(
          () => ((typeof text === 'string' ? err.includes(text) : text.test(err)) ? true : undefined),
          () => `stderr ${String(text)}`,
          timeoutMs,
        ).then(() => undefined),
      write: (text) => void child.stdin!.write(text),
    };
  }

  /** Runs `ottr …args` to the end. */
  async run(args: string[], opts: Parameters<User['start']>[1] = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const r = this.start(args, opts);
    const code = await r.exited;
    return { code, stdout: r.stdout(), stderr: r.stderr() };
  }

  /** `ottr login --email … --send-code`, then `--code` with the code from the dev outbox. */
  async login(email: string, extra: string[] = []): Promise<void> {
    const sent = await this.run(['login', '--email', email, '--send-code']);
    if (sent.code !== 0) throw new Error(`login --send-code failed: ${sent.stderr}`);
    const code = await this.server.codeFor(email);
    const done = await this.run(['login', '--email', email, '--code', code, ...extra]);
    if (done.code !== 0) throw new Error(`login failed: ${done.stderr}`);
  }
}

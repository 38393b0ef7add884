import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { version } from './main.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = path.join(ROOT, 'apps/cli/bin/ottr.mjs');

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** `node apps/cli/bin/ottr.mjs …args` from a directory outside the repo, with a clean environment. */
function ottr(args: string[], env: Record<string, string> = {}, cwd = tmpdir()): Run {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

describe('ottr', () => {
  it('--help prints the usage and exits 0', async () => {
    const r = ottr(['--help']);
    expect(await r.exited).toBe(0);
    expect(r.stdout()).toMatch(/^Usage: ottr <command>/);
    expect(r.stdout()).toContain('serve');
    expect(r.stderr()).toBe('');
  });

  it('--version prints the package version', async () => {
    const r = ottr(['--version']);
    expect(await r.exited).toBe(0);
    expect(r.stdout()).toBe(`${version()}\n`);
  });

  it('an unknown command prints the usage on stderr and exits 2', async () => {
    const r = ottr(['frobnicate']);
    expect(await r.exited).toBe(2);
    expect(r.stderr()).toContain("unknown command 'frobnicate'");
    expect(r.stderr()).toContain('Usage: ottr <command>');
    expect(r.stdout()).toBe('');
  });

  it.each([
    [['serve', '--bogus'], "Unknown option '--bogus'"],
    [['serve', '--port', 'eighty'], '--port must be an integer'],
    [['serve', '--port', '70000'], '--port must be an integer'],
    [['serve', 'extra'], 'Unexpected argument'],
  ])('ottr %j is a usage error (exit 2)', async (args, message) => {
    const r = ottr(args);
    expect(await r.exited).toBe(2);
    expect(r.stderr()).toContain(message);
  });

  it('serve flags win over the environment; SIGTERM stops it with exit 0', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'ottr-cli-'));
    dirs.push(dataDir);
    // The environment asks for a port that cannot be bound and another data dir; the flags win.
    const r = ottr(['serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--node-id', 'cli-test'], { PORT: '1', OTTR_DATA_DIR: '/nonexistent/ottr' });
    const url = await new Promise<string>((resolve, reject) => {
      r.child.stdout!.on('data', () => {
        const line = r.stdout().split('\n').find((l) => l.includes('"ottr listening"'));
        if (line) resolve((JSON.parse(line) as { url: string; node: string }).url);
      });
      void r.exited.then((code) => reject(new Error(`exited ${code}: ${r.stderr()}`)));
    });
    expect(r.stdout()).toContain('"node":"cli-test"');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await stat(path.join(dataDir, 'ottr.db'))).isFile()).toBe(true);
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
  });

  it('serve with a bad configuration exits 2 and lists the problems', async () => {
    const r = ottr(['serve', '--port', '0'], { OTTR_STORE: 'foo', OTTR_LOG_LEVEL: 'chatty' });
    expect(await r.exited).toBe(2);
    expect(r.stderr()).toContain("unknown store driver 'foo'; known: sqlite");
    expect(r.stderr()).toContain('OTTR_LOG_LEVEL (logLevel)');
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportInstallation } from './transfer.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = path.join(ROOT, 'apps/server/src/main.ts');

let dir: string;
let child: ChildProcess | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ottr-main-'));
});
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(env: Record<string, string>): Run {
  const c = spawn(process.execPath, ['--import', 'tsx', MAIN], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child = c;
  let out = '';
  let err = '';
  c.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  c.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => c.on('exit', (code) => resolve(code)));
  return { child: c, stdout: () => out, stderr: () => err, exited };
}

/** Resolves with the URL of the first `ottr listening` line (or rejects when the process exits first). */
function listening(r: Run): Promise<string> {
  return new Promise((resolve, reject) => {
    const look = (): void => {
      for (const line of r.stdout().split('\n')) {
        if (!line.includes('"ottr listening"')) continue;
        resolve((JSON.parse(line) as { url: string }).url);
        return;
      }
    };
    r.child.stdout!.on('data', look);
    void r.exited.then((code) => reject(new Error(`exited with ${code} before listening: ${r.stderr()}`)));
  });
}

describe('apps/server main', () => {
  it('serves with zero configuration, and on SIGTERM closes gracefully and exits 0', async () => {
    const r = run({ PORT: '0', OTTR_DATA_DIR: dir });
    const url = await listening(r);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
    const messages = r.stdout().trim().split('\n').map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).toContain('ottr shutting down');
    expect(messages[messages.length - 1]).toBe('ottr stopped');
  });

  it('a second process on the same database refuses to start (exit 1, in words); an export is refused too', async () => {
    const first = run({ PORT: '0', OTTR_DATA_DIR: dir });
    await listening(first);
    const pid = first.child.pid!;
    const second = spawn(process.execPath, ['--import', 'tsx', MAIN], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', PORT: '0', OTTR_DATA_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    second.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => second.on('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(err.trim()).toBe(`ottr: failed to start: ${path.join(dir, 'ottr.db')} is in use by another ottr process (pid ${pid}); stop it first — one process per SQLite database`);
    await expect(exportInstallation({}, path.join(dir, 'export.jsonl'), { config: { dataDir: dir } })).rejects.toThrow(/is in use by another ottr process/);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // Stopped: the database is free again.
    await exportInstallation({}, path.join(dir, 'export.jsonl'), { config: { dataDir: dir } });
  });

  it('exits 2 on a bad configuration, listing every problem', async () => {
    const r = run({ PORT: 'eighty', OTTR_STORE: 'foo', OTTR_DATA_DIR: dir });
    expect(await r.exited).toBe(2);
    expect(r.stderr()).toContain('PORT (port): Expected integer');
    expect(r.stderr()).toContain("OTTR_STORE (store.driver): unknown store driver 'foo'; known: sqlite");
    expect(r.stdout()).toBe('');
  });
});

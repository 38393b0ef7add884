/** ottr nodes as separate processes (`npm start`'s entry), configured by environment, for cluster tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface NodeProcess {
  readonly name: string;
  readonly url: string;
  readonly dataDir: string;
  readonly output: string[];
  /** SIGKILL: no goodbye to anyone (sockets, presence, the bus). */
  kill(): Promise<void>;
  /** SIGTERM: a graceful stop. */
  stop(): Promise<void>;
  /** The latest sign-in code this node's dev outbox holds for `to`. */
  codeFor(to: string): Promise<string>;
}

export async function startNodeProcess(name: string, env: Record<string, string>): Promise<NodeProcess> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `ottr-cluster-${name}-`));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', OTTR_HOST: '127.0.0.1', OTTR_DATA_DIR: dataDir, OTTR_NODE_ID: name, OTTR_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s:\n${output.join('\n')}`)), 60_000);
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) {
        output.push(line);
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'ottr listening' && entry.url) {
            clearTimeout(timer);
            resolve(entry.url);
          }
        } catch {
          // not a log line
        }
      }
    });
    child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
    void exited.then((code) => (clearTimeout(timer), reject(new Error(`${name} exited (${code}) before listening:\n${output.join('\n')}`))));
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  };
  return {
    name,
    url,
    dataDir,
    output,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
    async codeFor(to) {
      const lines = (await readFile(path.join(dataDir, 'dev-outbox.log'), 'utf8')).trim().split('\n');
      const line = lines.reverse().find((l) => l.split('\t')[2] === to);
      if (!line) throw new Error(`no code for ${to} in ${name}'s dev outbox`);
      return line.split('\t')[3]!;
    },
  };
}

/** Benchmark helpers that run in processes of their own (the ceilings), speaking one JSON line on stdout. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildScript<T> {
  /** The first JSON line the script printed. */
  readonly first: Promise<T>;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Runs `node --import tsx <script> …args` from the repository root. */
export function runScript<T>(script: string, args: string[] = []): ChildScript<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const first = new Promise<T>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)) as T);
    });
    void exited.then(() => reject(new Error(`${script} exited (${child.exitCode}) without a result`)));
  });
  return {
    first,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

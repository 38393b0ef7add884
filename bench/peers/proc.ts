// Processes for the peers: a free loopback port, a server started in its own process group
// (with a raised open-files limit) and stopped with everything in that group, and the RSS of a
// process tree read from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';

export const OPEN_FILES = 65536;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  pid: number;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<string>;
  /** SIGTERM to the whole process group, SIGKILL after a grace period; resolves when it has ended. */
  stop(): Promise<void>;
}

const running = new Set<number>();
const scratchDirs = new Set<string>();
let exitHookInstalled = false;

/** A temp dir to remove if this process exits or is interrupted before `forget` is called. */
export function removeOnExit(dir: string): { forget(): void } {
  scratchDirs.add(dir);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    installExitHooks();
  }
  return { forget: () => scratchDirs.delete(dir) };
}

/**
 * Starts `argv` through `bash -c 'ulimit -n …; exec …'` in a new process group (open files raised
 * to OPEN_FILES, or to the hard limit when that is lower and cannot be raised), output appended
 * to `logFile`. The group is also killed if this process exits before `stop()`.
 */
export function startServer(argv: string[], env: NodeJS.ProcessEnv, cwd: string, logFile: string): ServerProcess {
  const quoted = argv.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
  const log = createWriteStream(logFile, { flags: 'a' });
  const child: ChildProcess = spawn('bash', ['-c', `ulimit -n ${OPEN_FILES} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec ${quoted}`], {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${argv[0]}`);
  running.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    installExitHooks();
  }
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(pid);
      resolve(signal ?? String(code));
    });
  });
  const stop = async (): Promise<void> => {
    if (!running.has(pid)) {
      killGroup(pid, 'SIGKILL'); // children the leader left behind, if any
      return;
    }
    killGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    killGroup(pid, 'SIGKILL');
  };
  return { pid, exited, stop };
}

/**
 * The servers run in their own process groups, so a Ctrl-C on the terminal does not reach them:
 * kill them when this process exits or is interrupted (then end it as the signal would have).
 */
function installExitHooks(): void {
  const killAll = (): void => {
    for (const p of running) killGroup(p, 'SIGKILL');
    for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAll();
      process.removeListener(sig, onSignal);
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/** The soft open-files limit of a running process (from /proc), or null if it cannot be read. */
export function openFilesLimit(pid: number): number | null {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** The pids of `pid` and all its descendants. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const todo = [pid];
  while (todo.length > 0) {
    const p = todo.pop()!;
    out.push(p);
    todo.push(...(children.get(p) ?? []));
  }
  return out;
}

/** CPU time (user + system, seconds) used so far by the process tree of `pid`. */
export function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks / 100; // USER_HZ is 100 on Linux
}

/** Sum of VmRSS (KiB) over the process tree of `pid`. */
export function treeRssKiB(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) {
    try {
      const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) total += Number(m[1]);
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/** Resolves once a TCP connection to the port succeeds; rejects after `timeoutMs` or when `exited` resolves first. */
export async function waitForPort(port: number, exited: Promise<string>, timeoutMs: number): Promise<void> {
  const state: { gone: string | null } = { gone: null };
  void exited.then((why) => (state.gone = why));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (state.gone !== null) throw new Error(`the server exited (${state.gone}) before listening on ${port}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

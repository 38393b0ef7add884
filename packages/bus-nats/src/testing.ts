import { spawn, type ChildProcess } from 'node:child_process';
import { connect as tcpConnect, createServer } from 'node:net';

/** The NATS server the tests use (with JetStream); OTTR_TEST_NATS_URL overrides it. */
export const TEST_NATS_URL = process.env.OTTR_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** Debian's nats-server; OTTR_NATS_SERVER_BIN overrides it. */
export const NATS_SERVER_BIN = process.env.OTTR_NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => (s.destroy(), resolve(false)));
  });
}

/**
 * A nats-server of the test's own on 127.0.0.1 and a free port, which the test may kill and
 * start again on the same port (a broker restart).
 */
export interface OwnNatsServer {
  readonly url: string;
  readonly port: number;
  /** Starts it (again); resolves once it accepts connections. */
  start(): Promise<void>;
  /** Kills it (SIGKILL: no goodbye to the clients); resolves once the process is gone. */
  kill(): Promise<void>;
}

export async function ownNatsServer(opts: { jetstream?: boolean; storeDir?: string } = {}): Promise<OwnNatsServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';
  const server: OwnNatsServer = {
    url: `nats://127.0.0.1:${port}`,
    port,
    async start() {
      if (child) throw new Error('nats-server is already running');
      const args = ['-a', '127.0.0.1', '-p', String(port)];
      if (opts.jetstream) args.push('-js', ...(opts.storeDir ? ['-sd', opts.storeDir] : []));
      const proc = spawn(NATS_SERVER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
      proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<never>((_, reject) => proc.once('exit', (code) => reject(new Error(`nats-server exited (${code}): ${output.slice(-2000)}`))));
      exited.catch(() => undefined);
      const until = Date.now() + 20_000;
      while (!(await Promise.race([accepting(port), exited]))) {
        if (Date.now() > until) throw new Error(`nats-server did not open port ${port}: ${output.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async kill() {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null) return;
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await gone;
    },
  };
  await server.start();
  return server;
}

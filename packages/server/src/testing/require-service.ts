import { connect } from 'node:net';
import { it } from 'vitest';

/** Default ports of the URL schemes ottr's services use. */
const DEFAULT_PORTS: Record<string, number> = { 'postgres:': 5432, 'postgresql:': 5432, 'nats:': 4222, 'redis:': 6379, 'smtp:': 25 };

/** True when `CI` is set the way CI systems set it (`true`, `1`). */
export const inCI = (env: Record<string, string | undefined> = process.env): boolean => /^(true|1)$/i.test(env.CI ?? '');

/** The URL without its password, for messages. */
function shown(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password !== '') copy.password = '***';
  return copy.href;
}

/** Resolves when a TCP connection to host:port opens within `timeoutMs`; rejects with the reason otherwise. */
function probe(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const done = (error?: Error) => {
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`no answer within ${timeoutMs} ms`)));
    socket.once('connect', () => done());
    socket.once('error', (e) => done(e));
  });
}

/**
 * Decides, once per test file, whether tests that need a real service (PostgreSQL, NATS, …)
 * run. Call it at the top level of the file and register the tests only when it resolves true:
 *
 *   if (await requireService('PostgreSQL', url)) storeConformance(…);
 *
 * - reachable: true.
 * - not reachable in CI (CI=true): throws, so the file fails. CI provides every service.
 * - not reachable elsewhere (a developer machine without it): registers one skipped test whose
 *   title gives the reason, so the skip shows in the report, and resolves false.
 */
export async function requireService(name: string, url: string, opts: { timeoutMs?: number; env?: Record<string, string | undefined> } = {}): Promise<boolean> {
  const u = new URL(url);
  const port = u.port === '' ? DEFAULT_PORTS[u.protocol] : Number(u.port);
  const host = u.hostname === '' ? '127.0.0.1' : u.hostname.replace(/^\[|\]$/g, '');
  if (port === undefined) throw new Error(`requireService: no port in ${shown(u)} and no default for ${u.protocol}`);
  try {
    await probe(host, port, opts.timeoutMs ?? 2000);
    return true;
  } catch (error) {
    const reason = `${name} is not reachable at ${shown(u)} (${error instanceof Error ? error.message : String(error)})`;
    if (inCI(opts.env)) throw new Error(`${reason}: CI must provide it (see .ci/run)`);
    process.stderr.write(`${reason}: skipping the tests that need it (they run in CI)\n`);
    it.skip(`${reason}: tests that need it are skipped on this machine`, () => undefined);
    return false;
  }
}

import { DatabaseInUseError } from '@ottr/store-sqlite';
import { ConfigError } from './config.js';
import { startNode, type NodeOverrides, type RunningNode } from './node.js';

/** Exit codes of `ottr serve` / `npm start`. */
export const EXIT = { ok: 0, failed: 1, config: 2 } as const;

const SHUTDOWN_TIMEOUT_MS = 15_000;

/**
 * Runs a node for the life of this process: starts it (a configuration error prints every
 * problem to stderr and exits 2), then on SIGTERM or SIGINT closes it gracefully and exits 0
 * (a second signal, or a close that takes over 15 s, exits 1 at once). An uncaught exception or
 * unhandled rejection is logged and exits 1.
 */
export async function serve(env: Record<string, string | undefined> = process.env, overrides: NodeOverrides = {}): Promise<void> {
  let node: RunningNode;
  try {
    node = await startNode(env, overrides);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`ottr: ${err.message}\n`);
      process.exit(EXIT.config);
    }
    // A database another process holds is an operator's mistake, not a bug: the words suffice.
    const detail = err instanceof DatabaseInUseError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`ottr: failed to start: ${detail}\n`);
    process.exit(EXIT.failed);
  }

  const die = (kind: string) => (err: unknown) => {
    node.logger.fatal({ err }, kind);
    node.flushLogs();
    process.exit(EXIT.failed);
  };
  process.on('uncaughtException', die('uncaught exception'));
  process.on('unhandledRejection', die('unhandled rejection'));

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      node.logger.warn({ signal }, 'second signal: exiting without waiting');
      node.flushLogs();
      process.exit(EXIT.failed);
    }
    stopping = true;
    node.logger.info({ signal }, 'ottr shutting down');
    setTimeout(() => {
      node.logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out');
      node.flushLogs();
      process.exit(EXIT.failed);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    node.close().then(
      () => {
        node.flushLogs();
        process.exit(EXIT.ok);
      },
      (err: unknown) => {
        node.logger.error({ err }, 'shutdown failed');
        node.flushLogs();
        process.exit(EXIT.failed);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Moves WAL checkpoints off the event loop. better-sqlite3 is synchronous: when the writer's
 * own connection checkpoints (every 1,000 WAL pages by default), the COMMIT that crosses the
 * threshold also copies the WAL into the database file and fsyncs it, and every request of the
 * node waits meanwhile. Instead the writer's connection never checkpoints (wal_autocheckpoint
 * = 0) and a worker thread with a connection of its own runs PASSIVE checkpoints: they copy what
 * no reader still needs while the writer keeps appending, and fsync the database file on the
 * worker's thread. The WAL is reused from the start once a checkpoint has caught up with it.
 *
 * The worker is plain JavaScript evaluated from a string (no TypeScript loader needed in the
 * thread); better-sqlite3 is loaded by the absolute path this module resolves.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = FULL');
let timer;
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
};
const tick = () => {
  checkpoint();
  timer = setTimeout(tick, workerData.intervalMs);
};
timer = setTimeout(tick, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearTimeout(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** A final checkpoint, then the worker ends. */
  stop(): Promise<void>;
}

/** Checkpoints the WAL of the database at `path` every `intervalMs` on a worker thread. */
export function startCheckpointer(path: string, intervalMs = 100, onError: (message: string) => void = () => undefined): Checkpointer {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { path, module, intervalMs } });
  worker.on('message', (m: { error?: string }) => {
    if (m.error) onError(m.error);
  });
  worker.on('error', (err) => onError(err.message));
  // The worker never keeps the process alive by itself.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Held open until the final checkpoint is done (nothing else may keep the process alive now).
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}

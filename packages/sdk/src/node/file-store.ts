import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { SdkStore } from '../core/index.js';

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * A store in one JSON file. Every write is durable when its promise resolves: the whole file is
 * written to a temporary file, fsynced and renamed over the old one (atomic on POSIX), so a crash
 * leaves either the old or the new contents, never a mix. Writes that arrive while one is being
 * written are grouped into the next one. One process per file.
 */
export class FileStore implements SdkStore {
  private data: Promise<Map<string, string>> | null = null;
  private readonly waiters: Waiter[] = [];
  private flushing: Promise<void> | null = null;
  private counter = 0;

  /** `file`: where to keep the data, e.g. `~/.config/mybot/ottr.json` (directories are created). */
  constructor(readonly file: string) {}

  /** The value under `key` (a copy), or undefined. */
  async get(key: string): Promise<unknown> {
    const raw = (await this.map()).get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as unknown);
  }

  /** Applies every entry; resolves once the file holding them is durable. */
  async write(entries: ReadonlyArray<readonly [string, unknown]>): Promise<void> {
    const data = await this.map();
    const encoded = entries.map(([k, v]) => [k, v === undefined ? undefined : JSON.stringify(v)] as const);
    for (const [k, v] of encoded) {
      if (v === undefined) data.delete(k);
      else data.set(k, v);
    }
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.flushing ??= this.flushLoop();
    });
  }

  /** Every key that starts with `prefix`. */
  async keys(prefix: string): Promise<string[]> {
    return [...(await this.map()).keys()].filter((k) => k.startsWith(prefix));
  }

  /** Waits for pending writes. */
  async close(): Promise<void> {
    await this.flushing;
  }

  private map(): Promise<Map<string, string>> {
    this.data ??= this.read();
    return this.data;
  }

  private async read(): Promise<Map<string, string>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw err;
    }
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return new Map(Object.entries(parsed).map(([k, v]) => [k, JSON.stringify(v)]));
  }

  private async flushLoop(): Promise<void> {
    while (this.waiters.length > 0) {
      const batch = this.waiters.splice(0);
      try {
        await this.writeFile(await this.map());
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.flushing = null;
  }

  private async writeFile(data: Map<string, string>): Promise<void> {
    const body = `{${[...data].map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',\n')}}\n`;
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.${++this.counter}.tmp`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(body, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await rename(tmp, this.file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }
}

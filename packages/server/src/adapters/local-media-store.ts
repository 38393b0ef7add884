import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, mkdir, open, rename, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { checkMediaKey, type MediaStore } from '../ports/media-store.js';

const errno = (err: unknown): unknown => (err as NodeJS.ErrnoException | null)?.code;

/** fsync of a file or directory: a rename is durable only once its directory is synced. */
async function sync(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The default media store: one file per key under `dir` (`<dir>/<mediaId>/original`, …), for a
 * single node. A write goes to a temp file beside its target, is fsynced and renamed over it,
 * so readers see the old file or the new one; a reader holds its open file to the end, so a
 * replace or delete while it streams does not cut it short. Content types are not kept: the
 * media record in the store has the type.
 */
export class LocalMediaStore implements MediaStore {
  private readonly dir: string;

  constructor(options: { dir: string }) {
    this.dir = path.resolve(options.dir);
  }

  async putFile(key: string, file: string, _contentType: string): Promise<void> {
    // copyFile streams in the kernel (or clones on copy-on-write file systems): nothing is held in memory.
    await this.write(this.path(key), (tmp) => copyFile(file, tmp, constants.COPYFILE_EXCL));
  }

  async put(key: string, data: Uint8Array, _contentType: string): Promise<void> {
    await this.write(this.path(key), async (tmp) => {
      const handle = await open(tmp, 'wx');
      try {
        await handle.writeFile(data);
      } finally {
        await handle.close();
      }
    });
  }

  async get(key: string, range?: { start: number; end: number }): Promise<{ body: Readable; size: number } | null> {
    const file = this.path(key);
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (err) {
      if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return null;
      throw err;
    }
    // The size and the bytes both come from this open file, whatever is renamed over the path meanwhile.
    try {
      const info = await handle.stat();
      if (info.isFile()) return { body: handle.createReadStream(range ?? {}), size: info.size };
    } catch (err) {
      await handle.close();
      throw err;
    }
    await handle.close(); // a folder, not an object
    return null;
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      const info = await stat(this.path(key));
      return info.isFile() ? { size: info.size } : null;
    } catch (err) {
      if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.path(key);
    try {
      await unlink(file);
    } catch (err) {
      if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return;
      throw err;
    }
    // Emptied folders (`<mediaId>/`) go too, or every media ever deleted would leave one behind.
    for (let folder = path.dirname(file); folder !== this.dir; folder = path.dirname(folder)) {
      try {
        await rmdir(folder);
      } catch {
        return; // not empty (or already gone): the folders above are not empty either
      }
    }
  }

  async close(): Promise<void> {
    // Nothing is held between calls; open readers close their files when they end.
  }

  /** The file of a key, strictly inside `dir`. */
  private path(key: string): string {
    checkMediaKey(key);
    const file = path.resolve(this.dir, key);
    if (!file.startsWith(this.dir + path.sep)) throw new TypeError(`invalid media key: ${JSON.stringify(key)}`);
    return file;
  }

  /**
   * Writes `target` atomically: `create` makes a temp file beside it ('~' never occurs in a key,
   * so the temp name is never another object), which is fsynced, renamed over the target, and
   * the directory fsynced. A failure leaves the old object as it was and no temp file behind.
   */
  private async write(target: string, create: (tmp: string) => Promise<void>): Promise<void> {
    const folder = path.dirname(target);
    const tmp = `${target}~${randomBytes(6).toString('hex')}`;
    try {
      for (let attempt = 1; ; attempt++) {
        await mkdir(folder, { recursive: true });
        try {
          await create(tmp);
          break;
        } catch (err) {
          // A delete of the folder's last object may remove the folder between mkdir and create.
          if (errno(err) !== 'ENOENT' || attempt === 2) throw err;
        }
      }
      await sync(tmp);
      await rename(tmp, target);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    await sync(folder);
  }
}

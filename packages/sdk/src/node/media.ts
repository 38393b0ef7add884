import { createReadStream, type ReadStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Media, MediaId } from '@ottr/protocol';
import { MediaApi, type DownloadOptions, type UploadOptions } from '../core/api/media.js';
import type { OpenedSource, UploadSource } from '../core/upload-source.js';

/** What Node uploads: a Blob, a Uint8Array (a Buffer), or a file on disk, streamed. */
export type NodeUploadSource = UploadSource | { path: string };

/** Options of `media.downloadTo`. */
export interface DownloadToOptions extends DownloadOptions {
  /** Replace an existing file. Default false: an existing file makes it reject with EEXIST. */
  overwrite?: boolean;
}

/**
 * Opens a file for a resumable upload: read in ranges by streams (never whole into memory),
 * identified by its absolute path, size and modification time (as tus-js-client's Node default).
 */
export async function openPath(file: string): Promise<OpenedSource> {
  const absolute = path.resolve(file);
  const info = await stat(absolute);
  const streams = new Set<ReadStream>();
  return {
    size: info.size,
    name: path.basename(absolute),
    identity: `file:${absolute}:${info.size}:${info.mtimeMs}`,
    read: async (start, end) => {
      const stream = createReadStream(absolute, { start, end: end - 1 });
      streams.add(stream);
      stream.once('close', () => streams.delete(stream));
      return stream;
    },
    close: () => {
      for (const s of streams) s.destroy();
    },
  };
}

/** The media API on Node: uploads from a path too, and downloads into a file. */
export class NodeMediaApi extends MediaApi {
  /** Uploads a Blob, a Uint8Array or `{ path }` (streamed from disk; named after the file unless `name` says). */
  override async upload(source: NodeUploadSource, options: UploadOptions): Promise<Media> {
    if ('path' in source && typeof source.path === 'string') return this.uploadOpened(await openPath(source.path), options);
    return super.upload(source as UploadSource, options);
  }

  /** Writes a file of the media to `file`, streamed; a failed download leaves no file behind. */
  async downloadTo(id: MediaId, file: string, options: DownloadToOptions = {}): Promise<void> {
    const handle = await open(file, options.overwrite ? 'w' : 'wx');
    try {
      await this.stream(id, options, async (chunk) => {
        await handle.write(chunk);
      });
      await handle.close();
    } catch (err) {
      await handle.close().catch(() => undefined);
      await rm(file, { force: true });
      throw err;
    }
  }
}

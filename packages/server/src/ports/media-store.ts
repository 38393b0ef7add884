import type { Readable } from 'node:stream';

/**
 * The media store port: where the bytes of uploaded media and their derived files (thumbnails,
 * posters) live. Adapters: local disk under ./data/media (the default) and S3-compatible object
 * storage (@ottr/media-s3). Every adapter passes the one conformance suite in
 * ../testing/media-store-conformance.ts.
 *
 * Keys are the server's own (`<mediaId>/original`, `<mediaId>/thumbnail`, …): 1 to 256
 * characters of `A-Z a-z 0-9 _ - . /`, no empty segment, no `.` or `..` segment. An adapter
 * throws a TypeError for any other key, before touching storage. Objects are immutable once
 * written as far as readers are concerned: `put` replaces the whole object atomically (a reader
 * sees the old bytes or the new ones, never a mix).
 */
export interface MediaStore {
  /** Stores the bytes of a local file under `key`, replacing any object there. Resolves once durable. */
  putFile(key: string, file: string, contentType: string): Promise<void>;
  /** Stores `data` under `key`, replacing any object there. Resolves once durable. */
  put(key: string, data: Uint8Array, contentType: string): Promise<void>;
  /**
   * Reads an object, or the inclusive byte `range` of it (the caller has checked
   * 0 <= start <= end < size with `stat`). Null when there is no object under `key`.
   * `size` is the whole object's size, whatever the range.
   */
  get(key: string, range?: { start: number; end: number }): Promise<{ body: Readable; size: number } | null>;
  /** Size of the object, null when absent. */
  stat(key: string): Promise<{ size: number } | null>;
  /** Deletes the object; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Releases connections and handles. */
  close(): Promise<void>;
}

const KEY = /^[A-Za-z0-9_\-./]{1,256}$/;

/** Throws a TypeError for a key the port does not allow (see MediaStore). Adapters call it first. */
export function checkMediaKey(key: string): void {
  if (!KEY.test(key) || key.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new TypeError(`invalid media key: ${JSON.stringify(key.slice(0, 300))}`);
  }
}

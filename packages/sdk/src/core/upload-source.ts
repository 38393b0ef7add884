/**
 * What an upload reads, independent of the platform: a size, byte ranges, and an identity that
 * recognises the same bytes in a later upload so that an interrupted one can be resumed.
 */

/** A Blob or File as uploads read it (the global Blob and File fit it). */
export interface BlobLike {
  readonly size: number;
  readonly type: string;
  /** Files have a name and a modification time; plain Blobs have neither. */
  readonly name?: string;
  readonly lastModified?: number;
  slice(start?: number, end?: number): BlobLike;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Bytes to upload on every platform. */
export type UploadSource = BlobLike | Uint8Array;

/** An upload source ready to be read in ranges. */
export interface OpenedSource {
  readonly size: number;
  /** The file name the source carries (a File's, a path's base name). */
  readonly name?: string;
  /**
   * Identifies these bytes for resuming: equal identities mean the same content (a content hash,
   * or a file's name, size and modification time). null: the upload cannot be resumed.
   */
  readonly identity: string | null;
  /** Bytes [start, end) in a form the platform's HTTP stack sends as a request body. */
  read(start: number, end: number): Promise<unknown>;
  /** Releases what `read` holds open (file handles). */
  close(): void;
}

interface Subtle {
  digest(algorithm: 'SHA-256', data: Uint8Array): Promise<ArrayBuffer>;
}

/** Web Crypto, which Node 18+ and browsers (in secure contexts) have; undefined elsewhere. */
function subtle(): Subtle | undefined {
  return (globalThis as { crypto?: { subtle?: Subtle } }).crypto?.subtle;
}

/** `sha256:<hex>` of `bytes`, or null where Web Crypto is missing (then the upload is not resumable). */
export async function contentIdentity(bytes: Uint8Array): Promise<string | null> {
  const s = subtle();
  if (!s) return null;
  const digest = new Uint8Array(await s.digest('SHA-256', bytes));
  return `sha256:${Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function isBlob(source: UploadSource): source is BlobLike {
  return !(source instanceof Uint8Array) && typeof source.slice === 'function' && typeof source.size === 'number';
}

/**
 * Opens a Blob, File or Uint8Array. A File (a Blob with a name and a modification time) is
 * identified like tus-js-client's browser default does it — by name, type, size and time, without
 * reading it; a Uint8Array or a plain Blob by the SHA-256 of its bytes, so that two different
 * contents of the same size never resume each other's upload.
 */
export async function openSource(source: UploadSource): Promise<OpenedSource> {
  if (source instanceof Uint8Array) {
    return { size: source.byteLength, identity: await contentIdentity(source), read: async (start, end) => source.subarray(start, end), close: () => undefined };
  }
  if (!isBlob(source)) throw new TypeError('An upload source is a Blob, a File or a Uint8Array');
  const file = typeof source.name === 'string' && typeof source.lastModified === 'number';
  return {
    size: source.size,
    ...(file ? { name: source.name } : {}),
    identity: file ? `file:${source.name}:${source.type}:${source.size}:${source.lastModified}` : await contentIdentity(new Uint8Array(await source.arrayBuffer())),
    // A Uint8Array is a body both tus-js-client HTTP stacks send (Node's cannot send a Blob).
    read: async (start, end) => new Uint8Array(await source.slice(start, end).arrayBuffer()),
    close: () => undefined,
  };
}

import { Upload, type DetailedError, type HttpRequest, type PreviousUpload, type UrlStorage } from 'tus-js-client';
import { OttrError, endsSession } from './errors.js';
import type { AbortSignalLike } from './platform.js';
import { parseJson } from './rest.js';
import { KEYS, type SdkStore } from './store.js';
import type { OpenedSource } from './upload-source.js';

/**
 * Bytes per PATCH request. The server keeps every finished chunk, so an interrupted upload
 * loses at most the chunk in flight; small enough that a Blob slice read into memory stays small.
 */
export const UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024;

/** Waits before the retries of a failed request (network errors, 5xx, 409, 423, 429). */
const RETRY_DELAYS_MS = [0, 1000, 3000, 5000];

const prefixOf = (fingerprint: string) => `${KEYS.uploadsPrefix}${encodeURIComponent(fingerprint)}/`;

/**
 * tus-js-client's URL storage in the client's store (the FileStore on Node, IndexedDB in
 * browsers): the upload URLs of unfinished uploads by fingerprint. They belong to the signed-in
 * account, so sign-out deletes them with the rest of the client's data.
 */
export class StoreUrlStorage implements UrlStorage {
  constructor(
    private readonly store: SdkStore,
    private readonly random: () => number,
  ) {}

  findAllUploads(): Promise<PreviousUpload[]> {
    return this.find(KEYS.uploadsPrefix);
  }

  findUploadsByFingerprint(fingerprint: string): Promise<PreviousUpload[]> {
    return this.find(prefixOf(fingerprint));
  }

  async removeUpload(urlStorageKey: string): Promise<void> {
    await this.store.write([[urlStorageKey, undefined]]);
  }

  async addUpload(fingerprint: string, upload: PreviousUpload): Promise<string> {
    const key = prefixOf(fingerprint) + Math.floor(this.random() * 2 ** 48).toString(36);
    await this.store.write([[key, upload]]);
    return key;
  }

  /** Forgets every upload of a fingerprint (one the server refused). */
  async forget(fingerprint: string): Promise<void> {
    const keys = await this.store.keys(prefixOf(fingerprint));
    await this.store.write(keys.map((k) => [k, undefined] as const));
  }

  private async find(prefix: string): Promise<PreviousUpload[]> {
    const keys = await this.store.keys(prefix);
    const found = await Promise.all(keys.map(async (k) => ({ ...((await this.store.get(k)) as PreviousUpload), urlStorageKey: k })));
    return found.sort((a, b) => b.creationTime.localeCompare(a.creationTime));
  }
}

/** One tus upload: where to, what, and how to authenticate. */
export interface TusUploadInput {
  /** The creation endpoint, absolute. */
  endpoint: string;
  source: OpenedSource;
  metadata: Record<string, string>;
  /** Who and what this upload is, to find it again; null: not resumable. */
  fingerprint: string | null;
  urlStorage: StoreUrlStorage;
  /** A fresh access token for each request. */
  accessToken(): Promise<string>;
  /** The server said the token expired. */
  refresh(staleAccessToken: string): Promise<void>;
  /** A request was answered with an error that ends the session. */
  sessionEnded(error: OttrError): void;
  onProgress?: ((sent: number, total: number) => void) | undefined;
  signal?: AbortSignalLike | undefined;
}

/** tus-js-client measures a chunk by its `size` (Blobs have one; Uint8Arrays and streams get it). */
function sized(body: unknown, size: number): unknown {
  const b = body as { size?: unknown };
  return typeof b.size === 'number' ? body : Object.assign(b, { size });
}

/** The OttrError a tus-js-client failure stands for: the server's problem body when it answered. */
export function tusError(err: unknown): OttrError {
  if (err instanceof OttrError) return err;
  const detailed = err as Partial<DetailedError>;
  if (detailed.causingError instanceof OttrError) return detailed.causingError;
  const res = detailed.originalResponse;
  if (res) return OttrError.fromProblem(res.getStatus(), parseJson(res.getBody()));
  return new OttrError('network', err instanceof Error ? err.message : String(err), { cause: err });
}

/**
 * Runs a tus upload to its end and resolves with the upload's URL. With a fingerprint, the newest
 * unfinished upload of the same fingerprint is resumed from the server's offset (tus-js-client
 * asks with HEAD, and starts a new upload when that one is gone). Every request carries a fresh
 * access token; a `token_expired` answer refreshes it and retries. `signal` stops the upload and
 * keeps it resumable; rejects with an OttrError (`aborted` for the signal).
 */
export function tusUpload(input: TusUploadInput): Promise<string> {
  const { source, fingerprint, urlStorage, signal } = input;
  return new Promise<string>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new OttrError('aborted'));
      return;
    }
    let lastToken: string | null = null;
    let settled = false;
    const finish = (error: OttrError | null) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (!error) resolve(upload.url as string);
      else {
        if (endsSession(error)) input.sessionEnded(error);
        // A refusal (type, size, quota…) will not change by trying the same bytes again.
        const refused = error.status >= 400 && error.status < 500 && error.code !== 'aborted';
        if (refused && fingerprint !== null) urlStorage.forget(fingerprint).catch(() => undefined);
        reject(error);
      }
    };
    const onAbort = () => {
      void upload.abort(false);
      finish(new OttrError('aborted'));
    };
    const upload = new Upload(source as never, {
      endpoint: input.endpoint,
      metadata: input.metadata,
      chunkSize: UPLOAD_CHUNK_BYTES,
      retryDelays: RETRY_DELAYS_MS,
      urlStorage,
      // tus-js-client returns null from its fingerprint functions too; null disables storing.
      fingerprint: () => Promise.resolve(fingerprint as string),
      storeFingerprintForResuming: fingerprint !== null,
      removeFingerprintOnSuccess: true,
      fileReader: {
        openFile: () =>
          Promise.resolve({
            size: source.size,
            slice: async (start: number, end: number) => ({ value: sized(await source.read(start, end), end - start), done: end >= source.size }),
            // The caller closes the source once the upload has ended, retries included.
            close: () => undefined,
          }),
      },
      // accessToken() waits for a refresh in flight (started below when a token expired).
      onBeforeRequest: async (req: HttpRequest) => {
        lastToken = await input.accessToken();
        req.setHeader('Authorization', `Bearer ${lastToken}`);
      },
      onShouldRetry: (err: DetailedError) => {
        if (!err.originalResponse) return !(err.causingError instanceof OttrError);
        const status = err.originalResponse.getStatus();
        if (status === 401 && lastToken !== null && tusError(err).code === 'token_expired') {
          // A failed refresh fails the retry's accessToken() with the session's error.
          input.refresh(lastToken).catch(() => undefined);
          return true;
        }
        return status >= 500 || status === 409 || status === 423 || status === 429;
      },
      onProgress: (sent: number, total: number) => input.onProgress?.(sent, total),
      onSuccess: () => finish(null),
      onError: (err: Error) => finish(tusError(err)),
    });
    signal?.addEventListener('abort', onAbort);
    const start = async () => {
      if (fingerprint !== null) {
        const [newest] = await upload.findPreviousUploads();
        if (newest) upload.resumeFromPreviousUpload(newest);
      }
      if (!settled) upload.start(); // not when aborted while the store was read
    };
    start().catch((err: unknown) => finish(tusError(err)));
  });
}

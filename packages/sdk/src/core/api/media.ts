import { TUS_PATH, type Media, type MediaId, type MediaKind, type MediaVariantName, type Storage } from '@ottr/protocol';
import type { ClientCore } from '../client.js';
import { OttrError } from '../errors.js';
import type { AbortSignalLike } from '../platform.js';
import { parseJson } from '../rest.js';
import { StoreUrlStorage, tusUpload } from '../tus-upload.js';
import { openSource, type OpenedSource, type UploadSource } from '../upload-source.js';

/** Options of `media.upload`. */
export interface UploadOptions {
  /** What the file is meant to be: decides what the server accepts and how it processes it. */
  kind: MediaKind;
  /** The file name to show and download as. Default: the File's or the path's name. */
  name?: string;
  /** Bytes the server has confirmed or is receiving, of `total`; reaches `total` at the end. */
  onProgress?: (sent: number, total: number) => void;
  /** Cancels the upload (rejects with `aborted`); uploading the same bytes again resumes it. */
  signal?: AbortSignalLike;
}

/** Options of `media.download`. */
export interface DownloadOptions {
  /** Default `original`. */
  variant?: MediaVariantName;
  /** Bytes received, of `total` (the Content-Length, else the variant's size). */
  onProgress?: (received: number, total: number) => void;
  /** Cancels the download (rejects with `aborted`). */
  signal?: AbortSignalLike;
}

/** A cached media object is used until this long before its signed URLs expire. */
const URL_MARGIN_MS = 60_000;
/** Polling while the server processes an upload: first delay, growth, largest delay, give up after. */
const POLL = { firstMs: 100, factor: 1.5, maxMs: 2000, totalMs: 5 * 60_000 } as const;

/**
 * Media: resumable uploads (tus), the media objects with their signed URLs (cached until shortly
 * before the URLs expire), downloads with progress, and your storage use. Send an uploaded media
 * in a message with `messages.send(cid, { kind: 'image', mediaId, caption })`.
 */
export class MediaApi {
  private readonly cache = new Map<MediaId, Media>();
  private readonly urlStorage: StoreUrlStorage;

  constructor(protected readonly core: ClientCore) {
    this.urlStorage = new StoreUrlStorage(core.store, () => core.platform.random());
  }

  /**
   * Uploads a file and resolves with the media object once the server has processed it
   * (`ready`); a failed processing rejects with `media_invalid` and the server's reason. An
   * interrupted upload of the same bytes (same kind and name, same account) resumes from what
   * the server already has.
   */
  async upload(source: UploadSource, options: UploadOptions): Promise<Media> {
    return this.uploadOpened(await openSource(source), options);
  }

  /** The media object (cached while its signed URLs stay valid). */
  async get(id: MediaId): Promise<Media> {
    const cached = this.cache.get(id);
    if (cached && this.core.sessions.serverNow() < cached.urls.expiresAt - URL_MARGIN_MS) return cached;
    return this.fetchMedia(id);
  }

  /**
   * The absolute, signed URL of a file of the media (works without an Authorization header, e.g.
   * in `<img src>`, until the media's `urls.expiresAt`); null when the media has no such variant.
   */
  async url(id: MediaId, variant: MediaVariantName = 'original'): Promise<string | null> {
    const rel = (await this.get(id)).urls[variant];
    return rel === undefined ? null : this.absolute(rel);
  }

  /** The bytes of a file of the media. */
  async download(id: MediaId, options: DownloadOptions = {}): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    let length = 0;
    await this.stream(id, options, (chunk) => {
      chunks.push(chunk);
      length += chunk.byteLength;
    });
    const out = new Uint8Array(length);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  }

  /** Your storage use and quota, and the size limits of uploads. */
  storage(): Promise<Storage> {
    return this.core.rest.request('getStorage');
  }

  /** Uploads an opened source (entry points open the sources of their platform, e.g. a path). */
  protected async uploadOpened(source: OpenedSource, options: UploadOptions): Promise<Media> {
    const { sessions, baseUrl } = this.core;
    const me = this.core.me();
    const name = options.name ?? source.name;
    try {
      const url = await tusUpload({
        endpoint: baseUrl + TUS_PATH,
        source,
        metadata: { kind: options.kind, ...(name !== undefined ? { filename: name } : {}) },
        fingerprint: source.identity === null ? null : JSON.stringify([baseUrl, me, options.kind, name ?? null, source.identity]),
        urlStorage: this.urlStorage,
        accessToken: () => sessions.accessToken(),
        refresh: (stale) => sessions.refresh(stale),
        sessionEnded: (error) => sessions.markEnded(error),
        onProgress: options.onProgress,
        signal: options.signal,
      });
      return await this.processed(mediaIdOf(url), options.signal);
    } finally {
      source.close();
    }
  }

  /**
   * Streams a file of the media to `sink`, chunk by chunk, with progress; the signed URL is used,
   * so no token is involved.
   */
  protected async stream(id: MediaId, options: DownloadOptions, sink: (chunk: Uint8Array) => void | Promise<void>): Promise<void> {
    const { signal, onProgress } = options;
    const variant = options.variant ?? 'original';
    const media = await this.get(id);
    const rel = media.urls[variant];
    if (rel === undefined) throw new OttrError('not_found', `Media ${id} has no ${variant}`);
    throwIfAborted(signal);
    let res;
    try {
      res = await this.core.platform.fetch(this.absolute(rel), { method: 'GET', headers: {} });
    } catch (err) {
      throw new OttrError('network', err instanceof Error ? err.message : String(err), { cause: err });
    }
    if (res.status !== 200) throw OttrError.fromProblem(res.status, parseJson(await res.text().catch(() => '')));
    const reader = res.body?.getReader();
    if (!reader) throw new OttrError('network', 'The platform’s fetch gives no response body stream');
    const total = Number(res.headers.get('content-length')) || (variant === 'original' ? media.size : (media[variant]?.size ?? 0));
    const cancel = () => void reader.cancel().catch(() => undefined);
    signal?.addEventListener('abort', cancel);
    try {
      let received = 0;
      for (;;) {
        const { done, value } = await reader.read().catch((err: unknown) => {
          throw signal?.aborted ? new OttrError('aborted') : new OttrError('network', 'The download was cut', { cause: err });
        });
        throwIfAborted(signal);
        if (done) break;
        if (!value) continue;
        await sink(value);
        received += value.byteLength;
        onProgress?.(received, total);
      }
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }

  private absolute(relativeUrl: string): string {
    return /^https?:/.test(relativeUrl) ? relativeUrl : this.core.baseUrl + relativeUrl;
  }

  private async fetchMedia(id: MediaId): Promise<Media> {
    const media = await this.core.rest.request('getMedia', { params: { mediaId: id } });
    if (media.status === 'processing') this.cache.delete(id);
    else this.cache.set(id, media);
    return media;
  }

  /** Polls the media with growing delays until the server has processed it. */
  private async processed(id: MediaId, signal: AbortSignalLike | undefined): Promise<Media> {
    const { platform } = this.core;
    const started = platform.now();
    for (let delay: number = POLL.firstMs; ; delay = Math.min(POLL.maxMs, delay * POLL.factor)) {
      throwIfAborted(signal);
      const media = await this.fetchMedia(id);
      if (media.status === 'ready') return media;
      if (media.status === 'failed') throw new OttrError('media_invalid', media.error ?? `Processing ${id} failed`);
      if (platform.now() - started > POLL.totalMs) throw new OttrError('timeout', `${id} is still processing`);
      await new Promise<void>((resolve) => platform.setTimeout(resolve, delay));
    }
  }
}

function throwIfAborted(signal: AbortSignalLike | undefined): void {
  if (signal?.aborted) throw new OttrError('aborted');
}

/** The media id an upload URL ends in (`…/v1/uploads/med_…`). */
export function mediaIdOf(uploadUrl: string): MediaId {
  const id = uploadUrl.replace(/[?#].*$/, '').split('/').pop() ?? '';
  if (!/^med_[A-Za-z0-9_-]+$/.test(id)) throw new OttrError('internal', `The upload URL ${uploadUrl} does not end in a media id`);
  return id as MediaId;
}

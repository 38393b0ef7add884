import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import {
  MEDIA_KINDS,
  STICKERS_PER_PACK,
  isMediaContent,
  type AccountId,
  type Content,
  type Media,
  type MediaId,
  type MediaKind,
  type MediaVariantName,
  type StickerPack,
  type StickerPackId,
  type Storage,
} from '@ottr/protocol';
import { AppError } from '../../errors/index.js';
import type { ServerConfig } from '../../config.js';
import type { Clock, IdGenerator, JobRecord, MediaRecord, MediaStore, MediaVariant, StickerPackRecord, Store } from '../../ports/index.js';
import { findFfmpeg, processMedia, sniff, validateUpload, type Ffmpeg } from './processing/index.js';
import type { ByteRange } from './http-files.js';
import type { UrlSigner } from './signing.js';

export const PROCESS_JOB = 'media.process';
export const PURGE_JOB = 'media.purge';

export interface MediaDeps {
  store: Store;
  mediaStore: MediaStore;
  ids: IdGenerator;
  clock: Clock;
  config: ServerConfig;
  logger: Logger;
  signer: UrlSigner;
  /** Asks this node's job runner to look for due jobs now, so processing starts at once. */
  kickJobs: () => void;
}

/** What an upload says about itself; the bytes say the rest. */
export interface UploadInfo {
  kind: MediaKind;
  name: string | null;
  /** The id the upload becomes (tus: the upload's id); a new one when absent. */
  id?: MediaId;
}

/** An open stored file, ready to stream. */
export interface OpenFile {
  body: Readable;
  /** Size of the whole file. */
  size: number;
  mime: string;
  name: string | null;
  /** Strong validator (quoted), changes when the file does. */
  etag: string;
}

const POLL_READY_MS = 100;

/**
 * Uploaded media: the checks every upload passes (sniffed type, size per kind, quota, SHA-256,
 * decodability), processing as a durable job (thumbnails, blurhash, EXIF stripping, durations,
 * waveforms, posters), who may read what (signed URLs), what messages may reference, sticker
 * packs, and deleting what nothing references any more.
 */
export class MediaService {
  private ffmpeg: Promise<Ffmpeg | null> | undefined;
  private readonly staging: string;

  constructor(private readonly deps: MediaDeps) {
    this.staging = deps.config.media.stagingDir || path.join(tmpdir(), 'ottr-uploads');
  }

  /** Where this node keeps uploads in progress (tus files, single-request bodies). */
  get stagingDir(): string {
    return this.staging;
  }

  private get store(): Store {
    return this.deps.store;
  }

  /** ffmpeg and ffprobe, looked up once; without them the server says once what it cannot do. */
  tools(): Promise<Ffmpeg | null> {
    const { ffmpeg, ffprobe } = this.deps.config.media;
    this.ffmpeg ??= findFfmpeg({ ...(ffmpeg && { ffmpeg }), ...(ffprobe && { ffprobe }) }).then((found) => {
      if (!found) this.deps.logger.warn('media: ffmpeg/ffprobe not found: voice notes get no waveform, videos no size or poster (install ffmpeg, or set OTTR_FFMPEG and OTTR_FFPROBE)');
      return found;
    });
    return this.ffmpeg;
  }

  /** Largest upload of a kind. */
  maxBytes(kind: MediaKind): number {
    return this.deps.config.media.maxBytes[kind];
  }

  /** Refuses an upload of `size` bytes that is too large for its kind or for the account's quota. */
  async checkRoom(owner: AccountId, kind: MediaKind, size: number): Promise<void> {
    const max = this.maxBytes(kind);
    if (size > max) throw new AppError('media_too_large', `A ${kind} may be at most ${formatBytes(max)}; this file is ${formatBytes(size)}`);
    const quota = this.deps.config.media.quotaBytes;
    const used = await this.store.media.usage(owner);
    if (used + size > quota) {
      throw new AppError('media_quota_exceeded', `This upload (${formatBytes(size)}) would exceed your storage quota: ${formatBytes(used)} of ${formatBytes(quota)} used`);
    }
  }

  /**
   * Turns a complete upload in the staging area into a media object: every check, then the
   * original into the media store and the record with its processing job in one transaction.
   * The staging file is removed in every case; a refused upload leaves nothing behind. Waits up
   * to `processWaitMs` for processing and answers the object as it is then.
   */
  async ingest(owner: AccountId, file: string, info: UploadInfo): Promise<Media> {
    const id = info.id ?? (this.deps.ids.next('media') as MediaId);
    const key = `${id}/original`;
    let stored = false;
    try {
      const { size } = await stat(file);
      if (size === 0) throw new AppError('media_invalid', 'The file is empty');
      await this.checkRoom(owner, info.kind, size);
      const { mime } = await validateUpload(info.kind, file, await sniff(file), { maxPixels: this.deps.config.media.maxPixels }, await this.tools());
      const sha256 = await hashFile(file);
      await this.deps.mediaStore.putFile(key, file, mime);
      stored = true;
      const now = this.deps.clock.now();
      const record: MediaRecord = {
        id, ownerId: owner, kind: info.kind, status: 'processing', mime, size, sha256, key, name: info.name,
        width: null, height: null, durationMs: null, blurhash: null, waveform: null, thumbnail: null, poster: null,
        error: null, createdAt: now, releasedAt: null,
      };
      await this.store.media.create(record, { id: `job_${randomUUID()}`, kind: PROCESS_JOB, payload: { mediaId: id }, runAt: now, maxAttempts: 3, backoffMs: 2000, now });
    } catch (err) {
      if (stored) await this.deps.mediaStore.delete(key).catch(() => undefined);
      throw err;
    } finally {
      await rm(file, { force: true });
    }
    this.deps.kickJobs();
    return this.toWire(await this.waitProcessed(id));
  }

  /** The record once it leaves `processing`, or as it is after `processWaitMs`. */
  private async waitProcessed(id: MediaId): Promise<MediaRecord> {
    const until = this.deps.clock.now() + this.deps.config.media.processWaitMs;
    for (;;) {
      const record = await this.store.media.get(id);
      if (!record) throw new AppError('not_found', 'The media was deleted');
      if (record.status !== 'processing' || this.deps.clock.now() >= until) return record;
      await new Promise((resolve) => setTimeout(resolve, POLL_READY_MS));
    }
  }

  /** The record if `me` may read it; not_found otherwise (whether it exists is not told). */
  async readable(me: AccountId, id: MediaId): Promise<MediaRecord> {
    const record = await this.store.media.get(id);
    if (!record || !(await this.store.media.canRead(id, me))) throw new AppError('not_found', 'No such media');
    return record;
  }

  async view(me: AccountId, id: MediaId): Promise<Media> {
    return this.toWire(await this.readable(me, id));
  }

  /** The wire form, with URLs signed until now + urlTtlMs. */
  toWire(r: MediaRecord): Media {
    const expiresAt = this.deps.clock.now() + this.deps.config.media.urlTtlMs;
    const sign = (v: MediaVariantName) => this.deps.signer.url(r.id, v, expiresAt);
    const variant = (v: MediaVariant) => ({ mime: v.mime, width: v.width, height: v.height, size: v.size });
    return {
      id: r.id, kind: r.kind, status: r.status, mime: r.mime, size: r.size, sha256: r.sha256,
      ...(r.name !== null && { name: r.name }),
      ...(r.width !== null && { width: r.width }),
      ...(r.height !== null && { height: r.height }),
      ...(r.durationMs !== null && { durationMs: r.durationMs }),
      ...(r.blurhash !== null && { blurhash: r.blurhash }),
      ...(r.waveform !== null && { waveform: r.waveform }),
      ...(r.thumbnail !== null && { thumbnail: variant(r.thumbnail) }),
      ...(r.poster !== null && { poster: variant(r.poster) }),
      ...(r.error !== null && { error: r.error }),
      uploaderId: r.ownerId,
      createdAt: r.createdAt,
      urls: {
        original: sign('original'),
        ...(r.thumbnail !== null && { thumbnail: sign('thumbnail') }),
        ...(r.poster !== null && { poster: sign('poster') }),
        expiresAt,
      },
    };
  }

  /**
   * A stored file for a reader: `me` an account (checked here) or null for a request with a
   * valid signed URL (checked when the URL was made). The byte range to read is the caller's
   * `rangeOf(size, etag)` of the file.
   */
  async openFile(
    me: AccountId | null,
    id: MediaId,
    variant: MediaVariantName,
    rangeOf: (size: number, etag: string) => ByteRange | null,
  ): Promise<OpenFile & { range: ByteRange | null }> {
    const record = me === null ? await this.store.media.get(id) : await this.readable(me, id);
    if (!record) throw new AppError('not_found', 'No such media');
    const file = variant === 'original' ? { key: record.key, mime: record.mime } : record[variant];
    if (!file) throw new AppError('not_found', `This media has no ${variant}`);
    const meta = await this.deps.mediaStore.stat(file.key);
    if (!meta) throw new AppError('not_found', 'The file is gone');
    const etag = `"${record.sha256}${variant === 'original' ? '' : `-${variant}`}"`;
    const range = rangeOf(meta.size, etag);
    const opened = await this.deps.mediaStore.get(file.key, range ?? undefined);
    if (!opened) throw new AppError('not_found', 'The file is gone');
    const name = variant === 'original' ? record.name : null;
    return { body: opened.body, size: opened.size, mime: file.mime, name, etag, range };
  }

  /** The `media.process` job: derives everything from the original and marks the record ready (or failed after the last attempt). */
  async process(job: JobRecord): Promise<unknown> {
    const { mediaId } = job.payload as { mediaId: MediaId };
    const record = await this.store.media.get(mediaId);
    if (!record || record.status !== 'processing') return { skipped: true };
    const workDir = await mkdtemp(path.join(tmpdir(), 'ottr-media-'));
    try {
      const source = path.join(workDir, 'source');
      const opened = await this.deps.mediaStore.get(record.key);
      if (!opened) throw new Error(`original of ${mediaId} is missing from the media store`);
      await pipeline(opened.body, createWriteStream(source));
      const out = await processMedia(record.kind, source, record.mime, { ffmpeg: await this.tools(), workDir, stripMetadata: this.deps.config.media.stripMetadata });
      const patch: Parameters<Store['media']['update']>[1] = { status: 'ready' };
      if (out.original) {
        await this.deps.mediaStore.putFile(record.key, out.original.file, out.original.mime);
        patch.mime = out.original.mime;
        patch.size = (await stat(out.original.file)).size;
        patch.sha256 = await hashFile(out.original.file);
      }
      for (const v of ['thumbnail', 'poster'] as const) {
        const derived = out[v];
        if (!derived) continue;
        const key = `${mediaId}/${v}`;
        await this.deps.mediaStore.put(key, derived.data, derived.mime);
        patch[v] = { key, mime: derived.mime, size: derived.data.length, width: derived.width, height: derived.height };
      }
      if (out.width !== undefined) patch.width = out.width;
      if (out.height !== undefined) patch.height = out.height;
      if (out.durationMs !== undefined) patch.durationMs = out.durationMs;
      if (out.blurhash !== undefined) patch.blurhash = out.blurhash;
      if (out.waveform !== undefined) patch.waveform = out.waveform;
      await this.store.media.update(mediaId, patch);
      return { mediaId, kind: record.kind };
    } catch (err) {
      if (job.attempts < job.maxAttempts) throw err;
      const message = err instanceof Error ? err.message : String(err);
      await this.store.media.update(mediaId, { status: 'failed', error: message.slice(0, 500) });
      this.deps.logger.warn({ err, mediaId }, 'media processing failed for good');
      return { mediaId, failed: message };
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  /** One cleanup round: a durable purge job per garbage object (the purge re-checks and deletes). */
  async collectGarbage(): Promise<{ queued: number }> {
    const now = this.deps.clock.now();
    const garbage = await this.store.media.garbage({ orphanedBefore: now - this.deps.config.media.orphanTtlMs, limit: 500 });
    let queued = 0;
    for (const r of garbage) {
      const { created } = await this.store.jobs.enqueue({
        id: `job_${randomUUID()}`, kind: PURGE_JOB, payload: { mediaId: r.id, keys: keysOf(r) }, runAt: now, dedupeKey: `${PURGE_JOB}:${r.id}`, now,
      });
      if (created) queued++;
    }
    if (queued > 0) this.deps.kickJobs();
    return { queued };
  }

  /**
   * The `media.purge` job: deletes the record if still unreferenced, then its files. Run again
   * after a crash it finds the record gone and deletes the files (idempotent).
   */
  async purge(job: JobRecord): Promise<unknown> {
    const { mediaId, keys } = job.payload as { mediaId: MediaId; keys: string[] };
    const record = await this.store.media.get(mediaId);
    if (record && !(await this.store.media.deleteIfUnreferenced(mediaId))) return { mediaId, kept: 'referenced again' };
    for (const key of keys) await this.deps.mediaStore.delete(key);
    return { mediaId, deleted: keys.length };
  }

  async storage(me: AccountId): Promise<Storage> {
    const m = this.deps.config.media;
    return {
      usedBytes: await this.store.media.usage(me),
      quotaBytes: m.quotaBytes,
      maxBytes: Object.fromEntries(MEDIA_KINDS.map((k) => [k, m.maxBytes[k]])) as Storage['maxBytes'],
      simpleUploadMaxBytes: Math.min(m.simpleUploadMaxBytes, Math.max(...MEDIA_KINDS.map((k) => m.maxBytes[k]))),
    };
  }

  /**
   * Message content as it is stored: a media reference must name a ready object the sender may
   * read, of a kind that fits (the same kind, or any upload sent as a `file`); the server's
   * description of it (`media`) replaces whatever the client sent.
   */
  async describe(sender: AccountId, content: Content): Promise<Content> {
    if (!isMediaContent(content)) return content;
    const record = await this.store.media.get(content.mediaId);
    if (!record || !(await this.store.media.canRead(content.mediaId, sender))) throw new AppError('media_not_found', `media ${content.mediaId} does not exist or is not yours`);
    if (record.status === 'processing') throw new AppError('media_not_ready', `media ${content.mediaId} is still being processed`);
    if (record.status === 'failed') throw new AppError('media_invalid', `media ${content.mediaId} could not be processed: ${record.error ?? 'unknown error'}`);
    if (content.kind !== record.kind && content.kind !== 'file') {
      throw new AppError('validation_failed', `media ${content.mediaId} was uploaded as ${record.kind} and cannot be sent as ${content.kind}`);
    }
    const media: NonNullable<typeof content.media> = { mime: record.mime, size: record.size };
    if (record.name !== null) media.name = record.name;
    if (record.width !== null) media.width = record.width;
    if (record.height !== null) media.height = record.height;
    if (record.durationMs !== null) media.durationMs = record.durationMs;
    if (record.blurhash !== null) media.blurhash = record.blurhash;
    if (record.waveform !== null) media.waveform = record.waveform;
    return { ...content, media };
  }

  // ---- sticker packs ------------------------------------------------------------------------

  private packOut(pack: StickerPackRecord, records: Map<MediaId, MediaRecord>): StickerPack {
    return {
      id: pack.id,
      ownerId: pack.ownerId,
      title: pack.title,
      createdAt: pack.createdAt,
      stickers: pack.stickers.flatMap((s) => {
        const r = records.get(s.mediaId);
        return r ? [{ mediaId: s.mediaId, ...(s.emoji !== null && { emoji: s.emoji }), media: this.toWire(r) }] : [];
      }),
    };
  }

  private async packsOut(packs: StickerPackRecord[]): Promise<StickerPack[]> {
    const ids = [...new Set(packs.flatMap((p) => p.stickers.map((s) => s.mediaId)))];
    const records = new Map<MediaId, MediaRecord>();
    for (const id of ids) {
      const r = await this.store.media.get(id);
      if (r) records.set(id, r);
    }
    return packs.map((p) => this.packOut(p, records));
  }

  private async pack(id: StickerPackId): Promise<StickerPackRecord> {
    const pack = await this.store.media.getPack(id);
    if (!pack) throw new AppError('not_found', 'No such sticker pack');
    return pack;
  }

  private async ownPack(me: AccountId, id: StickerPackId): Promise<StickerPackRecord> {
    const pack = await this.pack(id);
    if (pack.ownerId !== me) throw new AppError('forbidden', 'Only the creator of a sticker pack can change it');
    return pack;
  }

  async listPacks(me: AccountId): Promise<StickerPack[]> {
    return this.packsOut(await this.store.media.listPacks(me));
  }

  async getPack(id: StickerPackId): Promise<StickerPack> {
    return (await this.packsOut([await this.pack(id)]))[0]!;
  }

  async createPack(me: AccountId, title: string): Promise<StickerPack> {
    if (title.trim() === '') throw new AppError('validation_failed', 'title must not be blank');
    const pack = await this.store.media.createPack({ id: this.deps.ids.next('stickerPack') as StickerPackId, ownerId: me, title: title.trim(), createdAt: this.deps.clock.now() });
    return (await this.packsOut([pack]))[0]!;
  }

  async addSticker(me: AccountId, packId: StickerPackId, mediaId: MediaId, emoji: string | undefined): Promise<StickerPack> {
    await this.ownPack(me, packId);
    const record = await this.store.media.get(mediaId);
    if (!record || record.ownerId !== me) throw new AppError('media_not_found', `media ${mediaId} does not exist or is not yours`);
    if (record.kind !== 'sticker') throw new AppError('validation_failed', `media ${mediaId} was uploaded as ${record.kind}; upload stickers with kind sticker`);
    if (record.status !== 'ready') throw new AppError(record.status === 'processing' ? 'media_not_ready' : 'media_invalid');
    const pack = await this.store.media.addSticker(packId, { mediaId, emoji: emoji ?? null, addedAt: this.deps.clock.now() }, STICKERS_PER_PACK);
    return (await this.packsOut([pack]))[0]!;
  }

  async removeSticker(me: AccountId, packId: StickerPackId, mediaId: MediaId): Promise<void> {
    await this.ownPack(me, packId);
    if (!(await this.store.media.removeSticker(packId, mediaId))) throw new AppError('not_found', 'That sticker is not in the pack');
  }

  async installPack(me: AccountId, packId: StickerPackId): Promise<StickerPack> {
    await this.store.media.installPack(me, packId, this.deps.clock.now());
    return this.getPack(packId);
  }

  async uninstallPack(me: AccountId, packId: StickerPackId): Promise<void> {
    await this.store.media.uninstallPack(me, packId);
  }
}

/** Every media-store key a record may have. */
function keysOf(r: MediaRecord): string[] {
  return [r.key, `${r.id}/thumbnail`, `${r.id}/poster`];
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** 1536 → "1.5 KiB", for error messages people read. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

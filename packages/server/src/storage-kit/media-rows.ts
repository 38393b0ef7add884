import type { AccountId, MediaId, MediaKind, StickerPackId } from '@ottr/protocol';
import type { MediaPatch, MediaRecord, MediaStatus, MediaVariant, StickerPackRecord } from '../ports/store.js';

/** A media row: waveform, thumbnail and poster as JSON text (null: none). */
export interface MediaRow {
  id: string;
  owner_id: string;
  kind: MediaKind;
  status: MediaStatus;
  mime: string;
  size: number;
  sha256: string;
  key: string;
  name: string | null;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  blurhash: string | null;
  waveform: string | null;
  thumbnail: string | null;
  poster: string | null;
  error: string | null;
  created_at: number;
  released_at: number | null;
}

/** Columns of `media` in insert order (the values: mediaValues). */
export const MEDIA_COLUMNS = [
  'id', 'owner_id', 'kind', 'status', 'mime', 'size', 'sha256', 'key', 'name', 'width', 'height', 'duration_ms',
  'blurhash', 'waveform', 'thumbnail', 'poster', 'error', 'created_at', 'released_at',
] as const;

const jsonOrNull = (v: unknown): string | null => (v === null ? null : JSON.stringify(v));
const parsed = <T>(v: string | null): T | null => (v === null ? null : (JSON.parse(v) as T));

export const toMedia = (r: MediaRow): MediaRecord => ({
  id: r.id as MediaId,
  ownerId: r.owner_id as AccountId,
  kind: r.kind,
  status: r.status,
  mime: r.mime,
  size: r.size,
  sha256: r.sha256,
  key: r.key,
  name: r.name,
  width: r.width,
  height: r.height,
  durationMs: r.duration_ms,
  blurhash: r.blurhash,
  waveform: parsed<number[]>(r.waveform),
  thumbnail: parsed<MediaVariant>(r.thumbnail),
  poster: parsed<MediaVariant>(r.poster),
  error: r.error,
  createdAt: r.created_at,
  releasedAt: r.released_at,
});

/** A record's values in MEDIA_COLUMNS order. */
export const mediaValues = (m: MediaRecord): (string | number | null)[] => [
  m.id, m.ownerId, m.kind, m.status, m.mime, m.size, m.sha256, m.key, m.name, m.width, m.height, m.durationMs,
  m.blurhash, jsonOrNull(m.waveform), jsonOrNull(m.thumbnail), jsonOrNull(m.poster), m.error, m.createdAt, m.releasedAt,
];

const PATCH_COLUMNS: Record<keyof MediaPatch, string> = {
  status: 'status', mime: 'mime', size: 'size', sha256: 'sha256', width: 'width', height: 'height', durationMs: 'duration_ms',
  blurhash: 'blurhash', waveform: 'waveform', thumbnail: 'thumbnail', poster: 'poster', error: 'error',
};
const JSON_FIELDS: ReadonlySet<keyof MediaPatch> = new Set(['waveform', 'thumbnail', 'poster']);

/** The columns a patch sets and their values (fields left undefined are not touched). */
export function mediaPatch(patch: MediaPatch): { column: string; value: string | number | null }[] {
  const out: { column: string; value: string | number | null }[] = [];
  for (const field of Object.keys(PATCH_COLUMNS) as (keyof MediaPatch)[]) {
    const value = patch[field];
    if (value === undefined) continue;
    out.push({ column: PATCH_COLUMNS[field], value: JSON_FIELDS.has(field) ? jsonOrNull(value) : (value as string | number | null) });
  }
  return out;
}

export interface StickerPackRow {
  id: string;
  owner_id: string;
  title: string;
  created_at: number;
}

/** A stickers row (adapters read them in their `position` order: the order they were added). */
export interface StickerRow {
  pack_id: string;
  media_id: string;
  emoji: string | null;
  added_at: number;
}

/** Packs (in the given order) with their stickers; `stickers` in position order, packs mixed. */
export function toPacks(packs: readonly StickerPackRow[], stickers: readonly StickerRow[]): StickerPackRecord[] {
  const byPack = new Map<string, StickerPackRecord['stickers']>(packs.map((p) => [p.id, []]));
  for (const s of stickers) byPack.get(s.pack_id)?.push({ mediaId: s.media_id as MediaId, emoji: s.emoji, addedAt: s.added_at });
  return packs.map((p) => ({ id: p.id as StickerPackId, ownerId: p.owner_id as AccountId, title: p.title, createdAt: p.created_at, stickers: byPack.get(p.id)! }));
}

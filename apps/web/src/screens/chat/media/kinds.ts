import type { Content, OttrClient } from '@ottr/sdk/browser';
import { formatBytes } from '@ottr/sdk/browser';

/** A message content that carries an upload (image, video, audio, voice, file, sticker). */
export type MediaContent = Extract<Content, { mediaId: unknown }>;
export type MediaKind = MediaContent['kind'];
export type MediaId = MediaContent['mediaId'];
/** What the server stored about a message's upload (mime, size, dimensions, duration, blurhash, waveform). */
export type MediaInfo = NonNullable<MediaContent['media']>;
/** An uploaded media object (with its signed URLs). */
export type Media = Awaited<ReturnType<OttrClient['media']['upload']>>;

/**
 * A message's description of an upload, from the media object. The server replaces it with its
 * own when the message arrives; sent along, it lets the sender's pending bubble show the size,
 * duration and waveform at once.
 */
export function infoOf(media: Media): MediaInfo {
  const info: MediaInfo = { mime: media.mime, size: media.size };
  if (media.name !== undefined) info.name = media.name;
  if (media.width !== undefined) info.width = media.width;
  if (media.height !== undefined) info.height = media.height;
  if (media.durationMs !== undefined) info.durationMs = media.durationMs;
  if (media.blurhash !== undefined) info.blurhash = media.blurhash;
  if (media.waveform !== undefined) info.waveform = media.waveform;
  return info;
}

/**
 * The types the server accepts for each kind (docs/protocol.md "Media"); anything else is sent
 * as a file, so that a picked SVG or BMP becomes a document instead of a rejected photo.
 */
const ACCEPTED: Record<'image' | 'video' | 'audio', readonly string[]> = {
  image: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
  video: ['video/mp4', 'video/webm', 'video/quicktime'],
  audio: ['audio/mpeg', 'audio/ogg', 'audio/opus', 'audio/webm', 'audio/mp4', 'audio/x-m4a', 'audio/wav', 'audio/x-wav', 'audio/wave', 'audio/flac', 'audio/x-flac', 'audio/aac'],
};

/** The kind a picked, dropped or pasted file is sent as, from its type as the browser reports it. */
export function kindForFile(file: { type: string }): 'image' | 'video' | 'audio' | 'file' {
  const type = file.type.toLowerCase().split(';')[0]!.trim();
  for (const kind of ['image', 'video', 'audio'] as const) if (ACCEPTED[kind].includes(type)) return kind;
  return 'file';
}

/** What the send sheet calls a file of each kind. */
export const SEND_TITLE: Record<ReturnType<typeof kindForFile>, string> = {
  image: 'Send photo',
  video: 'Send video',
  audio: 'Send audio',
  file: 'Send file',
};

/** Your storage use and the size limits per kind, as the server reports them. */
export type StorageLimits = Awaited<ReturnType<OttrClient['media']['storage']>>;

const NOUN: Record<MediaKind, string> = { image: 'Photos', video: 'Videos', audio: 'Audio files', voice: 'Voice messages', file: 'Files', sticker: 'Stickers' };

/**
 * Why a file of `size` bytes cannot be sent as `kind` under `limits` (too large for its kind, or
 * more than the storage left), in words; null when it fits. Checked before uploading, so that
 * nobody waits for an upload the server would refuse.
 */
export function limitProblem(size: number, kind: MediaKind, limits: StorageLimits): string | null {
  const max = limits.maxBytes[kind];
  if (size > max) return `This file is ${formatBytes(size)}; ${NOUN[kind].toLowerCase()} can be at most ${formatBytes(max)}.`;
  const left = Math.max(0, limits.quotaBytes - limits.usedBytes);
  if (size > left) return `This file is ${formatBytes(size)}, and ${formatBytes(left)} of your storage is left.`;
  return null;
}

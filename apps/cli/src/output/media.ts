// Media in a terminal: what a file is (by its extension), sizes and durations in words, media
// messages in one line, and file names from the server made safe to write in the current directory.
import path from 'node:path';
import type { Content, MediaKind } from '@ottr/protocol';
import { formatBytes, formatDuration, mapLink } from '@ottr/sdk/node';

const EXTENSIONS: [MediaKind, RegExp][] = [
  ['image', /\.(jpe?g|png|gif|webp|avif|heic|heif)$/i],
  ['video', /\.(mp4|m4v|mov|webm|mkv)$/i],
  ['audio', /\.(mp3|m4a|aac|ogg|oga|opus|wav|flac)$/i],
];

/** The kind a file is sent as when `--as` is not given: image, video or audio by extension, else file. */
export function kindOf(file: string): MediaKind {
  return EXTENSIONS.find(([, re]) => re.test(file))?.[0] ?? 'file';
}

type MediaContent = Extract<Content, { mediaId: string }>;

/** "image photo.jpg 640×480 12 KB — caption", "voice note 0:03", "file report.pdf 120 KB". */
export function mediaText(content: MediaContent): string {
  const m = content.media;
  const parts: string[] = [content.kind === 'voice' ? 'voice note' : content.kind];
  if (!m) parts.push(content.mediaId);
  else {
    if (m.name && content.kind !== 'voice' && content.kind !== 'sticker') parts.push(m.name);
    if (m.width !== undefined && m.height !== undefined && content.kind !== 'sticker') parts.push(`${m.width}×${m.height}`);
    if (m.durationMs !== undefined) parts.push(formatDuration(m.durationMs));
    if (content.kind !== 'voice' && content.kind !== 'sticker') parts.push(formatBytes(m.size));
  }
  const caption = 'caption' in content && content.caption ? ` — ${content.caption}` : '';
  return parts.join(' ') + caption;
}

/** "location 52.52, 13.4 (Berlin) https://…" */
export function locationText(c: Extract<Content, { kind: 'location' }>): string {
  const label = [c.name, c.address].filter(Boolean).join(', ');
  return `location ${c.lat}, ${c.lng}${label ? ` (${label})` : ''} ${mapLink(c.lat, c.lng)}`;
}

/** "contact Ada Lovelace +441234 ada@example.com" */
export function contactText(c: Extract<Content, { kind: 'contact' }>): string {
  return ['contact', c.name, ...(c.phones ?? []), ...(c.emails ?? [])].join(' ');
}

const MIME_EXTENSIONS: Record<string, string> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'video/mp4': '.mp4',
  'video/webm': '.webm',
  'video/quicktime': '.mov',
  'audio/mpeg': '.mp3',
  'audio/ogg': '.ogg',
  'audio/webm': '.webm',
  'audio/mp4': '.m4a',
  'application/pdf': '.pdf',
};

/**
 * A file name that is safe to create in a directory: the last path segment of the name the
 * server gave (never a path — no `..`, no separators, no control characters, no leading dot),
 * else `<mediaId><extension of its type>`.
 */
export function safeFileName(name: string | undefined, mediaId: string, mime: string): string {
  const base = (name ?? '')
    .split(/[/\\]/)
    .pop()!
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(0, 200);
  return base !== '' ? base : `${mediaId}${MIME_EXTENSIONS[mime] ?? ''}`;
}

/** Where `ottr download` writes: `-o` (a directory gets the safe name inside it), else the safe name here. */
export function downloadTarget(output: string | undefined, isDirectory: boolean, safeName: string): string {
  if (output === undefined) return path.resolve(safeName);
  return isDirectory ? path.resolve(output, safeName) : path.resolve(output);
}

import type { MediaKind } from '@ottr/protocol';
import { AppError } from '../../../errors/index.js';
import { inspectContainer } from './container.js';
import type { Ffmpeg } from './ffmpeg.js';
import { checkImage } from './image.js';
import type { MediaLimits } from './types.js';

/**
 * Per kind: the sniffed type (as file-type names it) → the type stored and served. WebM and MP4
 * are video containers to file-type, but a browser's voice recording (MediaRecorder) and an M4A
 * song are audio in them; for audio kinds they are accepted only without a video track and stored
 * under the audio type. Ogg/Opus is stored as plain audio/ogg, the type browsers play.
 */
const ALLOWED: Record<Exclude<MediaKind, 'file'>, Record<string, string>> = {
  image: { 'image/jpeg': 'image/jpeg', 'image/png': 'image/png', 'image/webp': 'image/webp', 'image/gif': 'image/gif', 'image/avif': 'image/avif' },
  sticker: { 'image/webp': 'image/webp', 'image/png': 'image/png', 'image/gif': 'image/gif' },
  video: { 'video/mp4': 'video/mp4', 'video/webm': 'video/webm', 'video/quicktime': 'video/quicktime' },
  audio: {
    'audio/mpeg': 'audio/mpeg',
    'audio/ogg': 'audio/ogg',
    'audio/ogg; codecs=opus': 'audio/ogg',
    'video/webm': 'audio/webm',
    'audio/mp4': 'audio/mp4',
    'audio/x-m4a': 'audio/mp4',
    'video/mp4': 'audio/mp4',
    'audio/wav': 'audio/wav',
    'audio/flac': 'audio/flac',
    'audio/aac': 'audio/aac',
  },
  voice: {
    'audio/ogg; codecs=opus': 'audio/ogg',
    'video/webm': 'audio/webm',
    'audio/mp4': 'audio/mp4',
    'audio/x-m4a': 'audio/mp4',
    'video/mp4': 'audio/mp4',
    'audio/mpeg': 'audio/mpeg',
  },
};

function notAllowed(kind: Exclude<MediaKind, 'file'>, mime: string, why = ''): AppError {
  const allowed = [...new Set(Object.values(ALLOWED[kind]))].join(', ');
  return new AppError('media_type_not_allowed', `The file is ${mime}${why}; allowed for ${kind}: ${allowed}`);
}

/**
 * Checks an upload of `kind` whose sniffed type is `mime`: the type is allowed for the kind, and
 * the file really is readable as that type (images fully decoded within `limits.maxPixels`; audio
 * and video containers parsed, with ffprobe when there is one). Returns the type to store.
 * Throws AppError 'media_type_not_allowed' or 'media_invalid'. Any file is a valid `file`.
 */
export async function validateUpload(kind: MediaKind, file: string, mime: string, limits: MediaLimits, ffmpeg: Ffmpeg | null): Promise<{ mime: string }> {
  if (kind === 'file') return { mime };
  const stored = ALLOWED[kind][mime];
  if (stored === undefined) throw notAllowed(kind, mime);
  if (kind === 'image' || kind === 'sticker') {
    await checkImage(file, limits);
    return { mime: stored };
  }
  const container = await inspectContainer(file, ffmpeg);
  if (kind === 'video') {
    if (!container.video) throw new AppError('media_invalid', 'The file holds no video track');
    return { mime: stored };
  }
  if (container.video && mime.startsWith('video/')) throw notAllowed(kind, mime, ' with a video track');
  if (!container.audio) throw new AppError('media_invalid', 'The file holds no audio track');
  return { mime: stored };
}

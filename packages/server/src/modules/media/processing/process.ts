import type { MediaKind } from '@ottr/protocol';
import { decodeAudio } from './audio.js';
import { inspectContainer } from './container.js';
import type { Ffmpeg } from './ffmpeg.js';
import { processImage } from './image.js';
import type { ProcessedMedia } from './types.js';
import { processVideo } from './video.js';

/**
 * Everything derived from an upload that validateUpload accepted (`mime` is the type it returned).
 * workDir is a private temporary directory the caller removes afterwards.
 *
 * - image, sticker: size, thumbnail, blurhash; with stripMetadata a cleaned original.
 * - audio: duration; voice: duration and waveform. With ffmpeg both come from decoding the audio
 *   (exact); without, the duration is what the container says (a live WebM says nothing) and
 *   there is no waveform.
 * - video: with ffmpeg size, duration, poster, thumbnail and blurhash; without, the duration only.
 * - file: nothing.
 */
export async function processMedia(
  kind: MediaKind,
  file: string,
  mime: string,
  opts: { ffmpeg: Ffmpeg | null; workDir: string; stripMetadata: boolean },
): Promise<ProcessedMedia> {
  const { ffmpeg } = opts;
  switch (kind) {
    case 'image':
    case 'sticker':
      return processImage(file, mime, opts.workDir, opts.stripMetadata);
    case 'audio':
    case 'voice': {
      if (ffmpeg === null) return durationOf(await inspectContainer(file, null));
      const { durationMs, waveform } = await decodeAudio(ffmpeg, file);
      return kind === 'voice' ? { durationMs, waveform } : { durationMs };
    }
    case 'video':
      if (ffmpeg === null) return durationOf(await inspectContainer(file, null));
      return processVideo(ffmpeg, file, await inspectContainer(file, ffmpeg), opts.workDir);
    case 'file':
      return {};
  }
}

function durationOf(container: { durationMs?: number }): ProcessedMedia {
  return container.durationMs === undefined ? {} : { durationMs: container.durationMs };
}

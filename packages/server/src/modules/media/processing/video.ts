import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Container } from './container.js';
import { run, type Ffmpeg } from './ffmpeg.js';
import { preview } from './image.js';
import type { ProcessedMedia } from './types.js';

/** Longest side of the poster frame. */
const POSTER_MAX = 1280;
/** Where the poster is taken: past a fade-in from black, when the clip is long enough. */
const POSTER_AT_MS = 1000;
const POSTER_TIMEOUT_MS = 60_000;

/**
 * Size and duration (from ffprobe, in `container`), a JPEG poster frame (at 1 s, or the first
 * frame of clips shorter than 2 s; ffmpeg applies the rotation phones record), and the thumbnail
 * and blurhash made from the poster.
 */
export async function processVideo(ffmpeg: Ffmpeg, file: string, container: Container, workDir: string): Promise<ProcessedMedia> {
  const durationMs = container.durationMs ?? 0;
  const at = durationMs >= 2 * POSTER_AT_MS ? POSTER_AT_MS : 0;
  // The container's duration can be longer than its last frame: fall back to the first frame.
  const data = (await frame(ffmpeg, file, at, workDir)) ?? (at > 0 ? await frame(ffmpeg, file, 0, workDir) : undefined);
  if (data === undefined) throw new Error('ffmpeg produced no frame for the poster');
  const { width, height } = await sharp(data).metadata();
  return {
    ...(container.width !== undefined ? { width: container.width, height: container.height } : {}),
    ...(container.durationMs !== undefined ? { durationMs } : {}),
    poster: { data, mime: 'image/jpeg', width, height },
    ...(await preview(data)),
  };
}

/** One frame at `atMs` as a JPEG scaled to fit POSTER_MAX×POSTER_MAX (never upscaled); undefined when there is none there. */
async function frame(ffmpeg: Ffmpeg, file: string, atMs: number, workDir: string): Promise<Buffer | undefined> {
  const out = join(workDir, 'poster.jpg');
  await rm(out, { force: true });
  const fit = `scale='min(${POSTER_MAX},iw)':'min(${POSTER_MAX},ih)':force_original_aspect_ratio=decrease`;
  const args = ['-nostdin', '-v', 'error', '-ss', (atMs / 1000).toFixed(3), '-i', file, '-an', '-sn', '-dn', '-frames:v', '1', '-vf', fit];
  await run(ffmpeg.ffmpeg, [...args, '-q:v', '3', '-f', 'image2', '-y', out], { timeoutMs: POSTER_TIMEOUT_MS });
  try {
    return await readFile(out);
  } catch {
    return undefined;
  }
}

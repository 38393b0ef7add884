import { parseFile } from 'music-metadata';
import { AppError } from '../../../errors/index.js';
import { run, type Ffmpeg } from './ffmpeg.js';

/** What an audio or video file holds, read from its container (not decoded). */
export interface Container {
  audio: boolean;
  video: boolean;
  durationMs?: number;
  /** Display size of the first video track (rotation applied); only known with ffprobe. */
  width?: number;
  height?: number;
}

const PROBE_TIMEOUT_MS = 30_000;

/** The part of `ffprobe -print_format json -show_format -show_streams` read here. */
interface Probe {
  streams?: {
    codec_type?: string;
    width?: number;
    height?: number;
    disposition?: { attached_pic?: number };
    tags?: { rotate?: string };
    side_data_list?: { rotation?: number }[];
  }[];
  format?: { duration?: string };
}

/**
 * Reads the container with ffprobe when there is one, with music-metadata otherwise.
 * Throws AppError 'media_invalid' when it cannot be parsed or holds no stream at all.
 */
export async function inspectContainer(file: string, ffmpeg: Ffmpeg | null): Promise<Container> {
  const container = ffmpeg ? await probe(ffmpeg, file) : await parse(file);
  if (!container.audio && !container.video) throw new AppError('media_invalid', 'The file holds no audio or video stream');
  return container;
}

async function probe(ffmpeg: Ffmpeg, file: string): Promise<Container> {
  let parsed: Probe;
  try {
    const json = await run(ffmpeg.ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], {
      timeoutMs: PROBE_TIMEOUT_MS,
    });
    parsed = JSON.parse(json.toString('utf8')) as Probe;
  } catch (error) {
    throw new AppError('media_invalid', 'The file cannot be read as audio or video', { cause: error });
  }
  const streams = parsed.streams ?? [];
  // Cover art in MP3/M4A is a one-frame "video" stream marked as an attached picture.
  const video = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const seconds = Number(parsed.format?.duration);
  const container: Container = {
    audio: streams.some((s) => s.codec_type === 'audio'),
    video: video !== undefined,
    ...(Number.isFinite(seconds) && seconds > 0 ? { durationMs: Math.round(seconds * 1000) } : {}),
  };
  if (video?.width && video.height) {
    // Phones record landscape frames with a rotation; players (and ffmpeg's frame output) apply it.
    const rotation = Number(video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? video.tags?.rotate ?? 0);
    const turned = Math.abs(rotation) % 180 === 90;
    container.width = turned ? video.height : video.width;
    container.height = turned ? video.width : video.height;
  }
  return container;
}

/**
 * music-metadata parses headers and frame structure only, so garbage behind a valid signature can
 * get through a successful parse; a positive duration is the proof that the stream was understood.
 * WebM is the exception: browsers' MediaRecorder writes it as a live stream with no duration at all.
 */
async function parse(file: string): Promise<Container> {
  let format;
  try {
    ({ format } = await parseFile(file, { duration: true, skipCovers: true }));
  } catch (error) {
    throw new AppError('media_invalid', 'The file cannot be read as audio or video', { cause: error });
  }
  const seconds = format.duration ?? NaN;
  const live = format.container?.startsWith('EBML') === true && format.duration === undefined;
  if (!live && !(seconds > 0)) throw new AppError('media_invalid', 'The file cannot be read as audio or video: it has no valid duration');
  return {
    audio: format.hasAudio === true,
    video: format.hasVideo === true,
    ...(seconds > 0 ? { durationMs: Math.round(seconds * 1000) } : {}),
  };
}

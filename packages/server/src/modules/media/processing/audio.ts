import { run, type Ffmpeg } from './ffmpeg.js';

/** PCM ffmpeg decodes to: mono 16-bit at 8 kHz, plenty for loudness and exact to 1/8 ms. */
const SAMPLE_RATE = 8000;
/** Loudness is collected per 10 ms block, so a long recording costs one number per block, not its samples. */
const BLOCK = SAMPLE_RATE / 100;
const BUCKETS = 64;
/** Decoding an hour of audio at 8 kHz takes well under a minute; more means something is wrong. */
const DECODE_TIMEOUT_MS = 300_000;

/**
 * Decodes the audio with ffmpeg and returns its exact duration (counted samples, not the
 * container's claim) and its waveform: 64 buckets of RMS loudness, scaled so the loudest bucket is
 * 255 (all 0 for silence).
 */
export async function decodeAudio(ffmpeg: Ffmpeg, file: string): Promise<{ durationMs: number; waveform: number[] }> {
  const blocks: number[] = []; // mean square per block
  let samples = 0;
  let sumSquares = 0;
  let leftover: Buffer | undefined; // a sample split across two chunks
  const onStdout = (chunk: Buffer) => {
    const data = leftover ? Buffer.concat([leftover, chunk]) : chunk;
    const whole = data.length - (data.length % 2);
    for (let at = 0; at < whole; at += 2) {
      const v = data.readInt16LE(at);
      sumSquares += v * v;
      samples++;
      if (samples % BLOCK === 0) {
        blocks.push(sumSquares / BLOCK);
        sumSquares = 0;
      }
    }
    leftover = whole < data.length ? data.subarray(whole) : undefined;
  };
  const args = ['-nostdin', '-v', 'error', '-i', file, '-vn', '-f', 's16le', '-ac', '1', '-ar', String(SAMPLE_RATE), 'pipe:1'];
  await run(ffmpeg.ffmpeg, args, { timeoutMs: DECODE_TIMEOUT_MS, onStdout });
  if (samples % BLOCK !== 0) blocks.push(sumSquares / (samples % BLOCK));
  if (samples === 0) throw new Error('ffmpeg decoded no audio samples');
  return { durationMs: Math.round((samples * 1000) / SAMPLE_RATE), waveform: waveform(blocks) };
}

/** RMS per bucket over the blocks that fall into it (a block repeats when there are fewer than 64), normalised to 0..255. */
function waveform(blocks: number[]): number[] {
  const rms = Array.from({ length: BUCKETS }, (_, b) => {
    const start = Math.floor((b * blocks.length) / BUCKETS);
    const end = Math.max(start + 1, Math.floor(((b + 1) * blocks.length) / BUCKETS));
    const part = blocks.slice(start, end);
    return Math.sqrt(part.reduce((sum, ms) => sum + ms, 0) / part.length);
  });
  const loudest = Math.max(...rms);
  return rms.map((r) => (loudest > 0 ? Math.round((r / loudest) * 255) : 0));
}

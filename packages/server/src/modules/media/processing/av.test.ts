import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBlurhashValid } from 'blurhash';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath, requireFfmpeg, type MediaFixtureName } from '../../../testing/media-fixtures.js';
import { findFfmpeg, processMedia, sniff, validateUpload, type Ffmpeg } from './index.js';

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'ottr-av-'));
});
afterAll(() => rm(workDir, { recursive: true, force: true }));

/** Validates the committed fixture as `kind` (for the stored type) and processes it. */
async function processFixture(kind: 'audio' | 'voice' | 'video', name: MediaFixtureName, ffmpeg: Ffmpeg | null) {
  const file = fixturePath(name);
  const { mime } = await validateUpload(kind, file, await sniff(file), { maxPixels: 50_000_000 }, ffmpeg);
  return processMedia(kind, file, mime, { ffmpeg, workDir, stripMetadata: true });
}

describe('findFfmpeg', () => {
  it('rejects a configured binary that does not run, naming it', async () => {
    await expect(findFfmpeg({ ffmpeg: join(workDir, 'no-such-ffmpeg') })).rejects.toThrow(/no-such-ffmpeg does not run/);
  });
});

describe('processMedia without ffmpeg: what the container says', () => {
  it('gives voice notes and songs their duration and no waveform', async () => {
    expect(await processFixture('voice', 'voice.ogg', null)).toEqual({ durationMs: 1500 });
    expect(await processFixture('voice', 'voice.webm', null)).toEqual({ durationMs: 1508 });
    expect(await processFixture('audio', 'song.mp3', null)).toEqual({ durationMs: 2064 });
  });

  it('gives a video its duration only', async () => {
    expect(await processFixture('video', 'clip.webm', null)).toEqual({ durationMs: 1000 });
  });
});

const ffmpeg = await findFfmpeg();
if (requireFfmpeg(ffmpeg)) {
  describe('processMedia with ffmpeg', () => {
    it('finds ffmpeg and ffprobe on PATH once', async () => {
      expect(ffmpeg).toEqual({ ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' });
      expect(await findFfmpeg()).toBe(ffmpeg);
    });

    it.each(['voice.ogg', 'voice.webm'] as const)('gives the voice note %s its decoded duration and a 64-bucket waveform', async (name) => {
      const { durationMs, waveform, ...rest } = await processFixture('voice', name, ffmpeg);
      expect(rest).toEqual({});
      expect(durationMs).toBeGreaterThanOrEqual(1480);
      expect(durationMs).toBeLessThanOrEqual(1520);
      expect(waveform).toHaveLength(64);
      for (const v of waveform ?? []) expect(Number.isInteger(v) && v >= 0 && v <= 255).toBe(true);
      expect(Math.max(...(waveform ?? []))).toBe(255);
      // The signal's loudness rises and falls (|sin| at 1.2 Hz): loud and near-silent buckets both.
      expect(Math.min(...(waveform ?? []))).toBeLessThan(80);
      expect(new Set(waveform).size).toBeGreaterThan(20);
    });

    it('gives a song its decoded duration and no waveform', async () => {
      const result = await processFixture('audio', 'song.mp3', ffmpeg);
      expect(Object.keys(result)).toEqual(['durationMs']);
      expect(result.durationMs).toBeGreaterThanOrEqual(1990);
      expect(result.durationMs).toBeLessThanOrEqual(2070);
    });

    it('gives a video its size, duration, a JPEG poster, thumbnail and blurhash', async () => {
      const result = await processFixture('video', 'clip.webm', ffmpeg);
      expect(result).toMatchObject({ width: 160, height: 120, durationMs: 1000 });
      expect(result.poster).toMatchObject({ mime: 'image/jpeg', width: 160, height: 120 });
      const poster = await sharp(result.poster?.data).metadata();
      expect([poster.format, poster.width, poster.height]).toEqual(['jpeg', 160, 120]);
      expect(result.thumbnail).toMatchObject({ mime: 'image/webp', width: 160, height: 120 });
      expect(isBlurhashValid(result.blurhash ?? '')).toEqual({ result: true });
    });
  });
}

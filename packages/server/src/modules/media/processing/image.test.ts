import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBlurhashValid } from 'blurhash';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasGps, mediaFixtures as make } from '../../../testing/media-fixtures.js';
import { processMedia, sniff, type ProcessedMedia } from './index.js';

let dir: string;
let workDir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ottr-image-'));
  workDir = await mkdtemp(join(tmpdir(), 'ottr-image-work-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(workDir, { recursive: true, force: true });
});

async function processImage(file: string, stripMetadata = true, kind: 'image' | 'sticker' = 'image'): Promise<ProcessedMedia> {
  return processMedia(kind, file, await sniff(file), { ffmpeg: null, workDir, stripMetadata });
}

/** RGB of one pixel. */
async function pixel(input: string | Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(input).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [...data.subarray(at, at + 3)];
}

/** A blurhash with 4×3 components, as clients decode it. */
function expectBlurhash(hash: string | undefined) {
  expect(isBlurhashValid(hash ?? '')).toEqual({ result: true });
  expect(hash).toHaveLength(4 + 2 * 4 * 3);
  expect(hash?.[0]).toBe('L'); // size flag: (4 - 1) + (3 - 1) * 9 = 21 in base 83
}

describe('processMedia: images', () => {
  it('strips EXIF and GPS from a photo and turns its pixels upright', async () => {
    const photo = await make.jpegWithExifAndGps(dir);
    expect(hasGps((await sharp(photo).metadata()).exif)).toBe(true);

    const result = await processImage(photo);
    expect(result.original?.mime).toBe('image/jpeg');
    const original = result.original?.file ?? '';
    expect(original.startsWith(workDir)).toBe(true);
    const meta = await sharp(original).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect([meta.width, meta.height]).toEqual([32, 64]);
    expect([result.width, result.height]).toEqual([32, 64]);
    // Red was the left half before the 90° turn: it is now on top, blue at the bottom.
    const [r, , b] = await pixel(original, 16, 4);
    expect(r).toBeGreaterThan(200);
    expect(b).toBeLessThan(60);
    expect((await pixel(original, 16, 60))[2]).toBeGreaterThan(200);
  });

  it('keeps the original when stripping is off, reporting the upright size', async () => {
    const result = await processImage(await make.jpegWithExifAndGps(dir), false);
    expect(result.original).toBeUndefined();
    expect([result.width, result.height]).toEqual([32, 64]);
    expect([result.thumbnail?.width, result.thumbnail?.height]).toEqual([32, 64]);
  });

  it('keeps an image without metadata as uploaded', async () => {
    const result = await processImage(await make.png(dir, 64, 32));
    expect(result.original).toBeUndefined();
    expect([result.width, result.height]).toEqual([64, 32]);
  });

  it('makes a WebP thumbnail with the longest side 320, never upscaled, and a blurhash', async () => {
    const wide = await processImage(await make.png(dir, 1000, 500));
    expect(wide.thumbnail).toMatchObject({ mime: 'image/webp', width: 320, height: 160 });
    expect((await sharp(wide.thumbnail?.data).metadata()).format).toBe('webp');
    expectBlurhash(wide.blurhash);

    const tall = await processImage(await make.png(dir, 300, 900));
    expect(tall.thumbnail).toMatchObject({ width: 107, height: 320 });

    const small = await processImage(await make.png(dir, 100, 50));
    expect(small.thumbnail).toMatchObject({ width: 100, height: 50 });
  });

  it('re-encodes an animated WebP with metadata keeping all its frames', async () => {
    const result = await processImage(await make.animatedWebpWithExif(dir));
    const meta = await sharp(result.original?.file).metadata();
    expect(result.original?.mime).toBe('image/webp');
    expect(meta.exif).toBeUndefined();
    expect(meta.pages).toBe(3);
    expect([result.width, result.height]).toEqual([48, 48]);
  });

  it('keeps an animated GIF without metadata as it is, with its first frame as a still thumbnail', async () => {
    const result = await processImage(await make.animatedGif(dir));
    expect(result.original).toBeUndefined();
    expect([result.width, result.height]).toEqual([48, 48]);
    expect((await sharp(result.thumbnail?.data).metadata()).pages).toBeUndefined();
    const [r, g] = await pixel(result.thumbnail?.data ?? Buffer.alloc(0), 24, 24); // frame 1 is red
    expect(r).toBeGreaterThan(200);
    expect(g).toBeLessThan(60);
  });

  it('processes a sticker like an image', async () => {
    const result = await processImage(await make.webpSticker(dir, 512), true, 'sticker');
    expect([result.width, result.height]).toEqual([512, 512]);
    expect(result.thumbnail).toMatchObject({ mime: 'image/webp', width: 320, height: 320 });
    expectBlurhash(result.blurhash);
  });
});

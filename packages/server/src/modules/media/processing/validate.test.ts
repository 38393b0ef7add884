import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureCode } from '../../../testing/failure.js';
import { fixturePath, mediaFixtures as make, requireFfmpeg } from '../../../testing/media-fixtures.js';
import { findFfmpeg, sniff, validateUpload, type Ffmpeg } from './index.js';

const limits = { maxPixels: 50_000_000 };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ottr-validate-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Sniffs like the upload path does, then validates. */
async function upload(kind: Parameters<typeof validateUpload>[0], file: string, ffmpeg: Ffmpeg | null = null, max = limits) {
  return validateUpload(kind, file, await sniff(file), max, ffmpeg);
}

describe('sniff', () => {
  it('names the type from the bytes, not the file name', async () => {
    expect(await sniff(await make.png(dir, 8, 8))).toBe('image/png');
    expect(await sniff(await make.exeRenamedPng(dir))).toBe('application/x-msdownload');
    expect(await sniff(await make.garbage(dir, 'song.mp3'))).toBe('application/octet-stream');
    expect(await sniff(fixturePath('voice.ogg'))).toBe('audio/ogg; codecs=opus');
    expect(await sniff(fixturePath('voice.webm'))).toBe('video/webm');
  });
});

describe('validateUpload: images and stickers', () => {
  it('accepts real images and stickers under their own type', async () => {
    expect(await upload('image', await make.png(dir, 64, 32))).toEqual({ mime: 'image/png' });
    expect(await upload('image', await make.jpegWithExifAndGps(dir))).toEqual({ mime: 'image/jpeg' });
    expect(await upload('image', await make.animatedGif(dir))).toEqual({ mime: 'image/gif' });
    expect(await upload('sticker', await make.webpSticker(dir))).toEqual({ mime: 'image/webp' });
  });

  it('refuses an executable named .png, naming the detected type and the allowed ones', async () => {
    const upload_ = upload('image', await make.exeRenamedPng(dir));
    await expect(upload_).rejects.toMatchObject({
      code: 'media_type_not_allowed',
      message: 'The file is application/x-msdownload; allowed for image: image/jpeg, image/png, image/webp, image/gif, image/avif',
    });
  });

  it('refuses a JPEG as a sticker and an image as a voice note', async () => {
    expect(await failureCode(upload('sticker', await make.jpegWithExifAndGps(dir)))).toBe('media_type_not_allowed');
    expect(await failureCode(upload('voice', await make.png(dir, 8, 8)))).toBe('media_type_not_allowed');
  });

  it('refuses a truncated JPEG as damaged', async () => {
    await expect(upload('image', await make.truncatedJpeg(dir))).rejects.toMatchObject({ code: 'media_invalid', message: /damaged/ });
  });

  it('refuses a tiny file claiming 30000×30000 pixels from its header, saying so', async () => {
    await expect(upload('image', await make.hugeDimensionsPng(dir))).rejects.toMatchObject({
      code: 'media_invalid',
      message: 'The image is 30000×30000 pixels; at most 50000000 pixels are accepted',
    });
  });

  it('counts every frame of an animation against the pixel limit', async () => {
    const gif = await make.animatedGif(dir); // 48×48 × 3 frames = 6912 pixels
    expect(await upload('image', gif, null, { maxPixels: 6912 })).toEqual({ mime: 'image/gif' });
    await expect(upload('image', gif, null, { maxPixels: 6911 })).rejects.toMatchObject({ code: 'media_invalid', message: /48×48 pixels × 3 frames/ });
  });
});

describe('validateUpload: files', () => {
  it('accepts anything as a file, under its sniffed type', async () => {
    expect(await upload('file', await make.exeRenamedPng(dir))).toEqual({ mime: 'application/x-msdownload' });
    expect(await upload('file', await make.garbage(dir, 'notes.txt'))).toEqual({ mime: 'application/octet-stream' });
  });
});

/** Audio and video checks, once with music-metadata (no ffmpeg) and once with ffprobe. */
function audioAndVideo(reader: string, ffmpeg: Ffmpeg | null) {
  describe(`validateUpload: audio and video (${reader})`, () => {
    it('accepts voice notes in Ogg/Opus and browser WebM, stored as audio types', async () => {
      expect(await upload('voice', fixturePath('voice.ogg'), ffmpeg)).toEqual({ mime: 'audio/ogg' });
      expect(await upload('voice', fixturePath('voice.webm'), ffmpeg)).toEqual({ mime: 'audio/webm' });
      expect(await upload('audio', fixturePath('voice.webm'), ffmpeg)).toEqual({ mime: 'audio/webm' });
    });

    it('accepts an MP3 as audio and as a voice note', async () => {
      expect(await upload('audio', fixturePath('song.mp3'), ffmpeg)).toEqual({ mime: 'audio/mpeg' });
      expect(await upload('voice', fixturePath('song.mp3'), ffmpeg)).toEqual({ mime: 'audio/mpeg' });
    });

    it('accepts a WebM video as video, refuses it as a voice note, and refuses audio-only WebM as video', async () => {
      expect(await upload('video', fixturePath('clip.webm'), ffmpeg)).toEqual({ mime: 'video/webm' });
      await expect(upload('voice', fixturePath('clip.webm'), ffmpeg)).rejects.toMatchObject({
        code: 'media_type_not_allowed',
        message: 'The file is video/webm with a video track; allowed for voice: audio/ogg, audio/webm, audio/mp4, audio/mpeg',
      });
      await expect(upload('video', fixturePath('voice.webm'), ffmpeg)).rejects.toMatchObject({ code: 'media_invalid', message: /no video track/ });
    });

    it('refuses garbage behind an Ogg/Opus signature as invalid, and random bytes as not allowed', async () => {
      expect(await failureCode(upload('voice', await make.corruptOgg(dir), ffmpeg))).toBe('media_invalid');
      expect(await failureCode(upload('voice', await make.garbage(dir, 'voice.ogg'), ffmpeg))).toBe('media_type_not_allowed');
    });
  });
}

audioAndVideo('music-metadata', null);
const ffmpeg = await findFfmpeg();
if (requireFfmpeg(ffmpeg)) audioAndVideo('ffprobe', ffmpeg);

import { describe, expect, it } from 'vitest';
import { coordinatesText, extensionOf, fitBox } from './format.js';
import { kindForFile, limitProblem, type StorageLimits } from './kinds.js';
import { bars, levelOf } from './waveform.js';

describe('kindForFile', () => {
  it('sends the types the server accepts per kind as that kind, everything else as a file', () => {
    expect(kindForFile({ type: 'image/jpeg' })).toBe('image');
    expect(kindForFile({ type: 'image/PNG' })).toBe('image');
    expect(kindForFile({ type: 'video/mp4' })).toBe('video');
    expect(kindForFile({ type: 'audio/webm;codecs=opus' })).toBe('audio');
    expect(kindForFile({ type: 'image/svg+xml' })).toBe('file');
    expect(kindForFile({ type: 'image/bmp' })).toBe('file');
    expect(kindForFile({ type: 'application/pdf' })).toBe('file');
    expect(kindForFile({ type: '' })).toBe('file');
  });
});

describe('limitProblem', () => {
  const MiB = 1024 * 1024;
  const limits: StorageLimits = {
    usedBytes: 90 * MiB,
    quotaBytes: 100 * MiB,
    maxBytes: { image: 16 * MiB, video: 100 * MiB, audio: 100 * MiB, voice: 100 * MiB, file: 100 * MiB, sticker: MiB / 2 },
    simpleUploadMaxBytes: 8 * MiB,
  };

  it('says when a file is larger than its kind allows, or than the storage left, and nothing when it fits', () => {
    expect(limitProblem(17 * MiB, 'image', limits)).toBe('This file is 17 MB; photos can be at most 16 MB.');
    expect(limitProblem(MiB, 'sticker', limits)).toBe('This file is 1 MB; stickers can be at most 512 KB.');
    expect(limitProblem(11 * MiB, 'video', limits)).toBe('This file is 11 MB, and 10 MB of your storage is left.');
    expect(limitProblem(10 * MiB, 'video', limits)).toBeNull();
  });
});

describe('format', () => {
  it('fits a picture into the box keeping its shape, with a smallest side, and a 4:3 box when the size is unknown', () => {
    expect(fitBox(1600, 1200, 320, 320, 80)).toEqual({ width: 320, height: 240 });
    expect(fitBox(1200, 1600, 320, 320, 80)).toEqual({ width: 240, height: 320 });
    expect(fitBox(100, 50, 320, 320, 80)).toEqual({ width: 100, height: 80 });
    expect(fitBox(4000, 100, 320, 320, 80)).toEqual({ width: 320, height: 80 });
    expect(fitBox(1600, 1200, 1000, 300)).toEqual({ width: 400, height: 300 });
    expect(fitBox(undefined, undefined, 320, 320, 80)).toEqual({ width: 320, height: 240 });
  });

  it('writes a position with its hemispheres', () => {
    expect(coordinatesText(51.5074, -0.1278)).toBe('51.50740° N, 0.12780° W');
    expect(coordinatesText(-33.8688, 151.2093)).toBe('33.86880° S, 151.20930° E');
  });

  it('names the extension of a file', () => {
    expect(extensionOf('report.final.pdf')).toBe('PDF');
    expect(extensionOf('README')).toBeNull();
    expect(extensionOf(undefined)).toBeNull();
  });
});

describe('waveform', () => {
  it('resamples levels to any number of bars by their peaks, 0 to 1', () => {
    expect(bars([0, 255, 51, 102], 2)).toEqual([1, 0.4]);
    expect(bars([255], 3)).toEqual([1, 1, 1]);
    expect(bars(undefined, 2)).toEqual([0, 0]);
  });

  it('measures silence as 0 and a loud signal as the top level', () => {
    expect(levelOf(new Uint8Array(128).fill(128))).toBe(0);
    expect(levelOf(Uint8Array.from({ length: 128 }, (_, i) => (i % 2 ? 255 : 0)))).toBe(255);
    expect(levelOf(new Uint8Array(0))).toBe(0);
  });
});

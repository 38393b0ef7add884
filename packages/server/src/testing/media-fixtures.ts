import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { it } from 'vitest';
import { inCI } from './require-service.js';

/**
 * Media test inputs. Images are generated on the fly (sharp) so each test gets exactly the
 * property it checks; audio and video are tiny committed files made once with ffmpeg
 * (fixtures/README.md has the commands), because generating them needs ffmpeg at test time.
 */

/** The committed audio/video fixtures. */
export type MediaFixtureName = 'voice.ogg' | 'voice.webm' | 'clip.webm' | 'song.mp3';

/** Absolute path of a committed fixture (resolved from this module, so it works from any cwd). */
export function fixturePath(name: MediaFixtureName): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** An image whose left half is red and right half blue: after a rotation it is plain which side ended up where. */
function halves(width: number, height: number): Sharp {
  const half = Math.floor(width / 2);
  const blue = { create: { width: width - half, height, channels: 3 as const, background: '#0000ff' } };
  return sharp({ create: { width, height, channels: 3, background: '#ff0000' } }).composite([{ input: blue, left: half, top: 0 }]);
}

async function write(dir: string, name: string, data: Buffer): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, data);
  return file;
}

/** A PNG of w×h pixels (red|blue halves). */
async function png(dir: string, width: number, height: number, name = `${width}x${height}.png`): Promise<string> {
  return write(dir, name, await halves(width, height).png().toBuffer());
}

/**
 * A 64×32 JPEG (red left, blue right) tagged EXIF Orientation 6 (display rotated 90° clockwise:
 * 32×64, red on top) and carrying a GPS position and a camera model. Throws if the written file
 * does not really hold the GPS block, so a test of stripping can never pass on an input without it.
 */
async function jpegWithExifAndGps(dir: string): Promise<string> {
  const data = await halves(64, 32)
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: 'ottr', Model: 'fixture camera' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 31/1 12/1', GPSLongitudeRef: 'E', GPSLongitude: '13/1 24/1 36/1' },
    })
    .withMetadata({ orientation: 6 }) // libvips keeps orientation apart from the EXIF strings
    .toBuffer();
  const meta = await sharp(data).metadata();
  if (meta.orientation !== 6 || !hasGps(meta.exif)) throw new Error('jpegWithExifAndGps: sharp did not write orientation 6 and a GPS block');
  return write(dir, 'exif-gps.jpg', data);
}

/**
 * True when a raw EXIF block (as sharp's metadata().exif returns it) has a GPS IFD pointer
 * (tag 0x8825) in IFD0. Enough to prove the fixture carries GPS without an EXIF parser.
 */
export function hasGps(exif: Buffer | undefined): boolean {
  if (exif === undefined) return false;
  const tiff = exif.subarray(exif.indexOf('Exif\0\0') === 0 ? 6 : 0);
  const le = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number) => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd0 = u32(4);
  const count = u16(ifd0);
  for (let i = 0; i < count; i++) if (u16(ifd0 + 2 + i * 12) === 0x8825) return true;
  return false;
}

/** A valid 200×200 JPEG cut to its first half: the decoder runs out of data mid-scan. */
async function truncatedJpeg(dir: string): Promise<string> {
  const data = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg()
    .toBuffer();
  return write(dir, 'truncated.jpg', data.subarray(0, Math.floor(data.length / 2)));
}

function pngChunk(type: string, body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/**
 * A PNG of a few dozen bytes whose IHDR (with a valid CRC) claims width×height pixels, RGB 8-bit,
 * followed by a tiny IDAT: a decompression bomb's header without the bomb.
 */
async function hugeDimensionsPng(dir: string, width = 30_000, height = 30_000): Promise<string> {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, adaptive filter, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const data = Buffer.concat([
    signature,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(64))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
  return write(dir, 'huge.png', data);
}

/** A Windows executable's start (DOS MZ header, PE signature) saved as photo.png. */
async function exeRenamedPng(dir: string): Promise<string> {
  const exe = Buffer.alloc(512);
  exe.write('MZ', 0, 'latin1');
  exe.writeUInt32LE(0x80, 0x3c); // e_lfanew: where the PE header starts
  exe.write('PE\0\0', 0x80, 'latin1');
  exe.writeUInt16LE(0x14c, 0x84); // machine: i386
  return write(dir, 'photo.png', exe);
}

/** A size×size WebP sticker with transparency (a red disc on a transparent square). */
async function webpSticker(dir: string, size = 512): Promise<string> {
  const r = size / 2;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><circle cx="${r}" cy="${r}" r="${r * 0.8}" fill="#e33"/></svg>`;
  return write(dir, `sticker-${size}.webp`, await sharp(Buffer.from(svg)).webp().toBuffer());
}

/** Three 48×48 frames: red, green, blue. */
function frames(): Promise<Buffer[]> {
  return Promise.all(
    ['#ff0000', '#00ff00', '#0000ff'].map((background) => sharp({ create: { width: 48, height: 48, channels: 3, background } }).png().toBuffer()),
  );
}

/** A 3-frame animated GIF, 48×48, without metadata. */
async function animatedGif(dir: string): Promise<string> {
  const data = await sharp(await frames(), { join: { animated: true } }).gif({ delay: 100, loop: 0 }).toBuffer();
  return write(dir, 'animated.gif', data);
}

/** A 3-frame animated WebP, 48×48, carrying EXIF (camera make and model). */
async function animatedWebpWithExif(dir: string): Promise<string> {
  const data = await sharp(await frames(), { join: { animated: true } })
    .webp({ delay: 100, loop: 0 })
    .withExif({ IFD0: { Make: 'ottr', Model: 'fixture camera' } })
    .toBuffer();
  if ((await sharp(data).metadata()).exif === undefined) throw new Error('animatedWebpWithExif: sharp wrote no EXIF');
  return write(dir, 'animated.webp', data);
}

/**
 * The committed voice.ogg's Ogg and OpusHead pages (so it sniffs as Ogg/Opus) followed by random
 * bytes: a file that claims to be a voice note and is not.
 */
async function corruptOgg(dir: string): Promise<string> {
  const head = (await readFile(fixturePath('voice.ogg'))).subarray(0, 40);
  return write(dir, 'corrupt.ogg', Buffer.concat([head, randomBytes(3000)]));
}

/** `size` random bytes saved under `name` (a file that claims to be whatever its name says). */
async function garbage(dir: string, name: string, size = 4096): Promise<string> {
  return write(dir, name, randomBytes(size));
}

/** Writers of generated media files; each takes the directory to write into and returns the file's path. */
export const mediaFixtures = { png, jpegWithExifAndGps, truncatedJpeg, hugeDimensionsPng, exeRenamedPng, webpSticker, animatedGif, animatedWebpWithExif, corruptOgg, garbage };

/**
 * The rule of requireService for ffmpeg: pass it findFfmpeg()'s answer at the top level of a test
 * file and register the tests that need ffmpeg only when it returns true. Without ffmpeg, CI
 * (CI=true) fails the file; elsewhere one skipped test names the reason.
 */
export function requireFfmpeg<T>(found: T | null, env: Record<string, string | undefined> = process.env): found is T {
  if (found !== null) return true;
  const reason = 'ffmpeg/ffprobe not found on PATH (apt-get install ffmpeg)';
  if (inCI(env)) throw new Error(`${reason}: CI must provide it (see .ci/run)`);
  process.stderr.write(`${reason}: skipping the tests that need it (they run in CI)\n`);
  it.skip(`${reason}: tests that need it are skipped on this machine`, () => undefined);
  return false;
}

import { join } from 'node:path';
import { encode } from 'blurhash';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { AppError } from '../../../errors/index.js';
import type { MediaLimits, ProcessedMedia } from './types.js';

/**
 * Decoding options for uploaded images. 'error' aborts on damaged pixel data (a truncated JPEG)
 * but tolerates decoder warnings real cameras and editors produce (extra bytes before a marker).
 */
const STRICT = { failOn: 'error' } as const;

/** Longest side of the thumbnail; never upscaled. */
const THUMBNAIL_MAX = 320;
/** Size the image is shrunk to before blurhash encoding (the hash holds 4×3 components anyway). */
const BLURHASH_SOURCE = 32;

/**
 * Rejects an image that cannot be decoded or is larger than `limits.maxPixels` (all frames of an
 * animation count). The size comes from the header first, so a 30000×30000 claim in a tiny file
 * is refused before anything is decoded; then every pixel is decoded (stats() streams through the
 * image without holding it), so truncated or corrupt data is found now, not in a client.
 */
export async function checkImage(file: string, limits: MediaLimits): Promise<void> {
  const meta = await readHeader(file);
  const frames = meta.pages ?? 1;
  const pixels = meta.width * meta.height * frames;
  if (pixels > limits.maxPixels) {
    const size = `${meta.width}×${meta.height} pixels${frames > 1 ? ` × ${frames} frames` : ''}`;
    throw new AppError('media_invalid', `The image is ${size}; at most ${limits.maxPixels} pixels are accepted`);
  }
  try {
    await sharp(file, { ...STRICT, limitInputPixels: limits.maxPixels, animated: true }).stats();
  } catch (error) {
    throw new AppError('media_invalid', `The image is damaged: ${message(error)}`, { cause: error });
  }
}

/** The header only; no pixel limit here, so the size of an oversized image can be reported. */
async function readHeader(file: string): Promise<Metadata> {
  try {
    return await sharp(file, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new AppError('media_invalid', `The image cannot be read: ${message(error)}`, { cause: error });
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message.trim() : String(error);
}

/** File extension and output settings per stored type, for re-encoding an original without its metadata. */
const FORMATS: Record<string, { ext: string; encode: (image: Sharp) => Sharp }> = {
  'image/jpeg': { ext: 'jpg', encode: (i) => i.jpeg({ quality: 90 }) },
  'image/png': { ext: 'png', encode: (i) => i.png() },
  'image/webp': { ext: 'webp', encode: (i) => i.webp({ quality: 90 }) },
  'image/gif': { ext: 'gif', encode: (i) => i.gif() },
  'image/avif': { ext: 'avif', encode: (i) => i.avif({ quality: 60 }) },
};

/**
 * Size (after EXIF orientation), thumbnail and blurhash of a validated image; with `stripMetadata`
 * also a replacement original without EXIF (GPS, camera serials), XMP, IPTC and text chunks, with
 * its orientation applied to the pixels. An image that carries none of these is kept as uploaded
 * (re-encoding a JPEG would only lose quality). Animated GIF/WebP are re-encoded with all their
 * frames, so they stay animated and lose their metadata too; orientation is not applied to them
 * (GIF has no EXIF, and animated WebP encoders write no orientation).
 */
export async function processImage(file: string, mime: string, workDir: string, stripMetadata: boolean): Promise<ProcessedMedia> {
  const meta = await sharp(file, STRICT).metadata();
  const animated = (meta.pages ?? 1) > 1;
  const result: ProcessedMedia = { width: meta.autoOrient.width, height: meta.autoOrient.height, ...(await preview(file)) };
  const format = FORMATS[mime];
  if (stripMetadata && format !== undefined && carriesMetadata(meta)) {
    const out = join(workDir, `original.${format.ext}`);
    const image = sharp(file, { ...STRICT, animated });
    await format.encode(animated ? image : image.autoOrient()).toFile(out);
    result.original = { file: out, mime };
  }
  return result;
}

function carriesMetadata(meta: Metadata): boolean {
  return meta.exif !== undefined || meta.xmp !== undefined || meta.iptc !== undefined || (meta.comments?.length ?? 0) > 0 || (meta.orientation ?? 1) !== 1;
}

/**
 * Thumbnail (WebP, longest side <= 320, first frame of an animation, orientation applied) and
 * blurhash (4×3 components, from the thumbnail shrunk to 32 px) of an image file or buffer
 * (a video poster).
 */
export async function preview(input: string | Buffer): Promise<Pick<ProcessedMedia, 'thumbnail' | 'blurhash'>> {
  const thumb = await sharp(input, STRICT)
    .autoOrient()
    .resize(THUMBNAIL_MAX, THUMBNAIL_MAX, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 75 })
    .toBuffer({ resolveWithObject: true });
  const small = await sharp(thumb.data)
    .resize(BLURHASH_SOURCE, BLURHASH_SOURCE, { fit: 'inside' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels = new Uint8ClampedArray(small.data.buffer, small.data.byteOffset, small.data.length);
  return {
    thumbnail: { data: thumb.data, mime: 'image/webp', width: thumb.info.width, height: thumb.info.height },
    blurhash: encode(pixels, small.info.width, small.info.height, 4, 3),
  };
}

/** Limits applied while validating uploads. */
export interface MediaLimits {
  /** Most pixels an image (all frames of an animation together) may have: a decompression-bomb guard. Default 50_000_000. */
  maxPixels: number;
}

/** Everything derived from a validated upload. Files and buffers only; the caller stores them. */
export interface ProcessedMedia {
  width?: number;
  height?: number;
  durationMs?: number;
  blurhash?: string;
  /** Voice notes: 64 buckets, 0..255, loudest bucket 255. */
  waveform?: number[];
  /** Replacement original (images: EXIF/GPS stripped, orientation applied), a file in workDir. */
  original?: { file: string; mime: string };
  /** image/webp, longest side <= 320. */
  thumbnail?: { data: Buffer; mime: string; width: number; height: number };
  /** Video: an image/jpeg frame, longest side <= 1280. */
  poster?: { data: Buffer; mime: string; width: number; height: number };
}

/**
 * `levels` (0–255) resampled to `count` bars (the loudest value of each span), each 0–1, for a
 * waveform of any width; without levels, a flat line.
 */
export function bars(levels: readonly number[] | undefined, count: number): number[] {
  if (!levels || levels.length === 0) return Array.from({ length: count }, () => 0);
  return Array.from({ length: count }, (_, i) => {
    const from = Math.floor((i * levels.length) / count);
    const to = Math.max(from + 1, Math.floor(((i + 1) * levels.length) / count));
    let peak = 0;
    for (let j = from; j < to && j < levels.length; j++) peak = Math.max(peak, levels[j]!);
    return peak / 255;
  });
}

/** The level (0–255) of a block of time-domain samples (bytes centred on 128): its RMS, boosted so speech fills the bar. */
export function levelOf(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = (samples[i]! - 128) / 128;
    sum += v * v;
  }
  return Math.min(255, Math.round(Math.sqrt(sum / samples.length) * 4 * 255));
}

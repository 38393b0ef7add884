import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, mapLink } from './format.js';

describe('format', () => {
  it('sizes in powers of 1024 with one decimal below 10', () => {
    expect([0, 999, 1023, 1024, 1536, 12_345, 150_000, 3_500_000, 5 * 1024 ** 3].map(formatBytes)).toEqual(['0 B', '999 B', '1023 B', '1 KB', '1.5 KB', '12 KB', '146 KB', '3.3 MB', '5 GB']);
  });

  it('durations as clocks, rounded down, never negative', () => {
    expect([0, 999, 3_000, 7_400, 65_000, 185_000, 3_723_000, -5].map(formatDuration)).toEqual(['0:00', '0:00', '0:03', '0:07', '1:05', '3:05', '1:02:03', '0:00']);
  });

  it('links a point to OpenStreetMap', () => {
    expect(mapLink(52.52, -13.405)).toBe('https://www.openstreetmap.org/?mlat=52.52&mlon=-13.405#map=16/52.52/-13.405');
  });
});

import { describe, expect, it } from 'vitest';
import { openSource } from './upload-source.js';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('openSource', () => {
  it('reads ranges of a Uint8Array and identifies it by the SHA-256 of its bytes', async () => {
    const a = await openSource(bytes(1, 2, 3, 4, 5));
    expect(a.size).toBe(5);
    expect(await a.read(1, 4)).toEqual(bytes(2, 3, 4));
    // SHA-256 of 01..05, so a different content of the same size never shares an upload.
    expect(a.identity).toBe('sha256:74f81fe167d99b4cb41d6d0ccda82278caee9f3e2f25d5e5a3936ff3dcec60d0');
    expect((await openSource(bytes(1, 2, 3, 4, 6))).identity).not.toBe(a.identity);
  });

  it('identifies a plain Blob by its bytes like the same Uint8Array, and reads its ranges as bytes', async () => {
    const blob = new Blob([bytes(1, 2, 3, 4, 5)]);
    const s = await openSource(blob);
    expect(s.identity).toBe((await openSource(bytes(1, 2, 3, 4, 5))).identity);
    expect(s.name).toBeUndefined();
    expect(await s.read(3, 5)).toEqual(bytes(4, 5));
  });

  it('identifies a File by name, type, size and time without reading it, and keeps its name', async () => {
    const file = new File([bytes(9, 9)], 'photo.png', { type: 'image/png', lastModified: 1234 });
    const s = await openSource(file);
    expect(s).toMatchObject({ size: 2, name: 'photo.png', identity: 'file:photo.png:image/png:2:1234' });
  });

  it('refuses anything else', async () => {
    await expect(openSource('text' as never)).rejects.toThrow(TypeError);
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect } from 'vitest';
import type { MediaStore } from '../ports/index.js';
import { makeTest } from './store/fixtures.js';

/** Keys the port forbids; each method must reject them with a TypeError. */
const BAD_KEYS = ['../x', 'a//b', '/abs', 'a/./b', 'k'.repeat(300), 'a b', '', 'a/', 'a/..', 'ä', 'a\\b', 'a\0b'];
const MiB = 1024 * 1024;
let counter = 0;

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function sha256(body: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of body) hash.update(chunk as Uint8Array);
  return hash.digest('hex');
}

/**
 * The one conformance suite of the media store port (ports/media-store.ts). Every adapter runs
 * it; `open` returns a store over the same storage on every call (one directory, one bucket), so
 * that what one store wrote another reads after a close. Keys are unique per test. An adapter's
 * test file:
 *
 *   import { mediaStoreConformance } from '@ottr/server/testing';
 *   mediaStoreConformance('local', async () => new LocalMediaStore({ dir }));
 *
 * `gaps` names tests an adapter (or the server it is tested on) does not pass, each with its
 * reason; they are reported as skipped with the reason in their title.
 */
export function mediaStoreConformance(name: string, open: () => Promise<MediaStore>, gaps: Readonly<Record<string, string>> = {}): void {
  describe(`media store conformance: ${name}`, () => {
    const test = makeTest(gaps);
    let store: MediaStore | undefined;
    let p = '';
    let files = '';
    const s = (): MediaStore => store!;
    /** A file with `data` in this suite's scratch directory. */
    const file = async (data: Uint8Array): Promise<string> => {
      const f = path.join(files, `f${++counter}`);
      await writeFile(f, data);
      return f;
    };
    const read = async (key: string, range?: { start: number; end: number }) => {
      const got = await s().get(key, range);
      return got && { size: got.size, data: await readAll(got.body) };
    };

    beforeAll(async () => {
      files = await mkdtemp(path.join(tmpdir(), 'ottr-media-conformance-'));
    });
    afterAll(async () => {
      await rm(files, { recursive: true, force: true });
    });
    beforeEach(async () => {
      store = await open();
      p = `t${process.pid}x${Date.now().toString(36)}x${++counter}`;
    });
    afterEach(async () => {
      await store?.close();
      store = undefined;
    });

    test('put then get returns the bytes and the whole size; stat gives the size', async () => {
      const data = randomBytes(10_000);
      await s().put(`${p}/original`, data, 'image/png');
      expect(await read(`${p}/original`)).toEqual({ size: 10_000, data });
      expect(await s().stat(`${p}/original`)).toEqual({ size: 10_000 });
    });

    test('putFile stores the bytes of the file; changing the file afterwards does not change the object', async () => {
      const data = randomBytes(5000);
      const f = await file(data);
      await s().putFile(`${p}/original`, f, 'video/mp4');
      await writeFile(f, randomBytes(5000)); // same inode, new bytes: a store that linked the file would show these
      await rm(f);
      expect(await read(`${p}/original`)).toEqual({ size: 5000, data });
      expect(await s().stat(`${p}/original`)).toEqual({ size: 5000 });
    });

    describe('get with a range returns exactly those bytes, inclusive, and the whole size', () => {
      const data = randomBytes(4096);
      const cases: [string, number, number][] = [
        ['the first byte', 0, 0],
        ['the last byte', 4095, 4095],
        ['bytes in the middle', 1000, 2999],
        ['every byte', 0, 4095],
      ];
      for (const [what, start, end] of cases) {
        test(`range: ${what}`, async () => {
          await s().put(`${p}/original`, data, 'application/octet-stream');
          expect(await read(`${p}/original`, { start, end })).toEqual({ size: 4096, data: data.subarray(start, end + 1) });
        });
      }
    });

    test('a missing key: get and stat give null', async () => {
      expect(await s().get(`${p}/original`)).toBeNull();
      expect(await s().get(`${p}/original`, { start: 0, end: 0 })).toBeNull();
      expect(await s().stat(`${p}/original`)).toBeNull();
    });

    test('delete removes the object; deleting it again, or a key never written, is no error', async () => {
      await s().put(`${p}/original`, randomBytes(10), 'image/png');
      await s().delete(`${p}/original`);
      expect(await s().get(`${p}/original`)).toBeNull();
      expect(await s().stat(`${p}/original`)).toBeNull();
      await s().delete(`${p}/original`);
      await s().delete(`${p}/never/written`);
      await s().put(`${p}/original`, Buffer.from('again'), 'text/plain');
      expect((await read(`${p}/original`))?.data.toString()).toBe('again');
    });

    test('put and putFile replace the object: once they resolve, get and stat give the new bytes', async () => {
      const key = `${p}/original`;
      const longer = randomBytes(3000);
      const shorter = randomBytes(100);
      await s().put(key, longer, 'image/png');
      await s().put(key, shorter, 'image/png');
      expect(await read(key)).toEqual({ size: 100, data: shorter });
      const fromFile = randomBytes(2000);
      await s().putFile(key, await file(fromFile), 'image/png');
      expect(await read(key)).toEqual({ size: 2000, data: fromFile });
      expect(await s().stat(key)).toEqual({ size: 2000 });
    });

    test('a reader sees the old bytes or the new ones, never a mix', async () => {
      const key = `${p}/original`;
      const a = Buffer.alloc(MiB / 2, 0x61);
      const b = Buffer.alloc(MiB / 2, 0x62);
      await s().put(key, a, 'application/octet-stream');
      const opened = await s().get(key); // opened before the replace, read after it
      const writes = (async () => {
        for (let i = 0; i < 6; i++) await s().put(key, i % 2 === 0 ? b : a, 'application/octet-stream');
      })();
      const reads = Promise.all([...Array(12).keys()].map(() => read(key)));
      await writes;
      const seen = [...(await reads), { size: opened!.size, data: await readAll(opened!.body) }];
      for (const r of seen) {
        expect(r?.size).toBe(MiB / 2);
        expect(r!.data.equals(a) || r!.data.equals(b), `a mix of old and new bytes (${r!.data.length} bytes)`).toBe(true);
      }
    });

    test('keys that break the rules reject with a TypeError from every method', async () => {
      const f = await file(Buffer.from('x'));
      for (const key of BAD_KEYS) {
        const label = JSON.stringify(key.slice(0, 20));
        await expect(s().put(key, Buffer.from('x'), 'text/plain'), label).rejects.toBeInstanceOf(TypeError);
        await expect(s().putFile(key, f, 'text/plain'), label).rejects.toBeInstanceOf(TypeError);
        await expect(s().get(key), label).rejects.toBeInstanceOf(TypeError);
        await expect(s().get(key, { start: 0, end: 0 }), label).rejects.toBeInstanceOf(TypeError);
        await expect(s().stat(key), label).rejects.toBeInstanceOf(TypeError);
        await expect(s().delete(key), label).rejects.toBeInstanceOf(TypeError);
      }
    });

    test('a rejected key touches nothing, not even the object its path would normalise to', async () => {
      const kept = Buffer.from('kept');
      await s().put(`${p}/a/b`, kept, 'text/plain');
      for (const key of [`${p}/a//b`, `${p}/a/./b`, `${p}/x/../a/b`, `/${p}/a/b`]) {
        await expect(s().put(key, Buffer.from('changed'), 'text/plain')).rejects.toBeInstanceOf(TypeError);
        await expect(s().putFile(key, await file(Buffer.from('changed')), 'text/plain')).rejects.toBeInstanceOf(TypeError);
        await expect(s().delete(key)).rejects.toBeInstanceOf(TypeError);
      }
      await expect(s().put(`${p}/new//b`, kept, 'text/plain')).rejects.toBeInstanceOf(TypeError);
      expect(await read(`${p}/a/b`)).toEqual({ size: 4, data: kept });
      expect(await s().stat(`${p}/new/b`)).toBeNull();
    });

    test('binary data: all 256 byte values survive put and putFile', async () => {
      const data = Buffer.from([...Array(256).keys(), ...[...Array(256).keys()].reverse()]);
      await s().put(`${p}/put`, data, 'application/octet-stream');
      await s().putFile(`${p}/file`, await file(data), 'application/octet-stream');
      expect(await read(`${p}/put`)).toEqual({ size: 512, data });
      expect(await read(`${p}/file`)).toEqual({ size: 512, data });
      expect(await read(`${p}/put`, { start: 255, end: 256 })).toEqual({ size: 512, data: Buffer.from([255, 255]) });
    });

    test('an empty object: 0 bytes through put and putFile', async () => {
      await s().put(`${p}/put`, new Uint8Array(0), 'application/octet-stream');
      await s().putFile(`${p}/file`, await file(new Uint8Array(0)), 'application/octet-stream');
      for (const key of [`${p}/put`, `${p}/file`]) {
        expect(await read(key)).toEqual({ size: 0, data: Buffer.alloc(0) });
        expect(await s().stat(key)).toEqual({ size: 0 });
      }
    });

    test('a multi-MiB file through putFile, read whole and by ranges', async () => {
      const size = 6 * MiB + 123;
      const f = path.join(files, `big${++counter}`);
      const hash = createHash('sha256');
      const chunks = [...Array(7).keys()].map((i) => randomBytes(i < 6 ? MiB : 123));
      for (const c of chunks) hash.update(c);
      await pipeline(chunks, createWriteStream(f));
      await s().putFile(`${p}/original`, f, 'video/mp4');
      expect(await s().stat(`${p}/original`)).toEqual({ size });
      const whole = await s().get(`${p}/original`);
      expect(whole?.size).toBe(size);
      expect(await sha256(whole!.body)).toBe(hash.digest('hex'));
      const across = await read(`${p}/original`, { start: MiB - 10, end: 3 * MiB + 9 });
      expect(across?.size).toBe(size);
      expect(across?.data.equals(Buffer.concat([chunks[0]!.subarray(MiB - 10), chunks[1]!, chunks[2]!, chunks[3]!.subarray(0, 10)]))).toBe(true);
      expect(await read(`${p}/original`, { start: size - 1, end: size - 1 })).toEqual({ size, data: chunks[6]!.subarray(122) });
    });

    test('many keys under one media id are separate objects', async () => {
      const keys = ['original', 'thumbnail', 'poster', ...[...Array(40).keys()].map((i) => `v/${i}.webp`)].map((k) => `${p}/${k}`);
      const data = new Map(keys.map((k) => [k, randomBytes(100 + (k.length % 7))]));
      await Promise.all(keys.map((k) => s().put(k, data.get(k)!, 'image/webp')));
      for (const k of keys) expect((await read(k))?.data.equals(data.get(k)!), k).toBe(true);
      await s().delete(`${p}/thumbnail`);
      expect(await s().stat(`${p}/thumbnail`)).toBeNull();
      for (const k of keys.filter((k) => !k.endsWith('/thumbnail'))) expect((await s().stat(k))?.size, k).toBe(data.get(k)!.length);
    });

    test('the longest allowed key (256 characters) works', async () => {
      const key = `${p}/${'segment-of-fifty-characters-_.0123456789abcdefghij/'.repeat(5)}`.slice(0, 255) + 'z';
      expect(key).toHaveLength(256);
      await s().put(key, Buffer.from('long'), 'text/plain');
      expect((await read(key))?.data.toString()).toBe('long');
    });

    test('objects outlive close: a store opened again reads them', async () => {
      const data = randomBytes(1000);
      await s().put(`${p}/original`, data, 'image/jpeg');
      await s().close();
      store = await open();
      expect(await read(`${p}/original`)).toEqual({ size: 1000, data });
    });
  });
}

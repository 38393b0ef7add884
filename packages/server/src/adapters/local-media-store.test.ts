import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mediaStoreConformance } from '../testing/index.js';
import { LocalMediaStore } from './local-media-store.js';

const root = await mkdtemp(path.join(tmpdir(), 'ottr-local-media-'));
afterAll(() => rm(root, { recursive: true, force: true }));

mediaStoreConformance('local', async () => new LocalMediaStore({ dir: path.join(root, 'media') }));

describe('LocalMediaStore on disk', () => {
  /** A store in a directory of its own, inside a parent that nothing else writes to. */
  async function fresh() {
    const parent = await mkdtemp(path.join(root, 'case-'));
    const dir = path.join(parent, 'media');
    return { parent, dir, store: new LocalMediaStore({ dir }) };
  }
  const everything = async (dir: string) => (await readdir(dir, { recursive: true })).sort();

  it('keeps each object as the file <dir>/<key>, and no temp file after put and putFile', async () => {
    const { dir, parent, store } = await fresh();
    const data = randomBytes(100);
    await store.put('med_1/original', data, 'image/png');
    const source = path.join(parent, 'upload');
    await writeFile(source, 'thumb');
    await store.putFile('med_1/thumbnail', source, 'image/webp');
    expect(await readFile(path.join(dir, 'med_1', 'original'))).toEqual(data);
    expect(await everything(dir)).toEqual(['med_1', 'med_1/original', 'med_1/thumbnail']);
  });

  it('a putFile that fails (the source is gone) leaves the old object and no temp file', async () => {
    const { dir, parent, store } = await fresh();
    await store.put('med_1/original', Buffer.from('old'), 'image/png');
    await expect(store.putFile('med_1/original', path.join(parent, 'missing'), 'image/png')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(path.join(dir, 'med_1', 'original'), 'utf8')).toBe('old');
    expect(await everything(dir)).toEqual(['med_1', 'med_1/original']);
  });

  it('delete removes the emptied media folder, and a later put makes it again', async () => {
    const { dir, store } = await fresh();
    await store.put('med_1/original', Buffer.from('o'), 'image/png');
    await store.put('med_1/v/thumbnail', Buffer.from('t'), 'image/webp');
    await store.put('med_2/original', Buffer.from('2'), 'image/png');
    await store.delete('med_1/v/thumbnail');
    expect(await everything(dir)).toEqual(['med_1', 'med_1/original', 'med_2', 'med_2/original']);
    await store.delete('med_1/original');
    expect(await everything(dir)).toEqual(['med_2', 'med_2/original']);
    await store.put('med_1/original', Buffer.from('back'), 'image/png');
    expect(await readFile(path.join(dir, 'med_1', 'original'), 'utf8')).toBe('back');
  });

  it('a reader that opened the object reads it to the end through a replace and a delete', async () => {
    const { store } = await fresh();
    const old = randomBytes(256 * 1024);
    await store.put('med_1/original', old, 'video/mp4');
    const reading = await store.get('med_1/original');
    await store.put('med_1/original', randomBytes(10), 'video/mp4');
    await store.delete('med_1/original');
    const chunks: Buffer[] = [];
    for await (const chunk of reading!.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(old)).toBe(true);
  });

  it('a key naming a folder is no object', async () => {
    const { store } = await fresh();
    await store.put('med_1/original', Buffer.from('o'), 'image/png');
    expect(await store.get('med_1')).toBeNull();
    expect(await store.stat('med_1')).toBeNull();
    expect(await store.get('med_1/original/x')).toBeNull();
  });

  it('writes nothing outside its directory for a rejected key', async () => {
    const { parent, store } = await fresh();
    for (const key of ['../x', '../media-x/y', '/abs', 'a/../../x']) {
      await expect(store.put(key, Buffer.from('x'), 'text/plain')).rejects.toBeInstanceOf(TypeError);
      await expect(store.putFile(key, path.join(parent, 'none'), 'text/plain')).rejects.toBeInstanceOf(TypeError);
    }
    expect(await readdir(parent)).toEqual([]);
  });
});

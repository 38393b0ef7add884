import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from './file-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ottr-sdk-store-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('FileStore', () => {
  it('keeps values across instances, writes atomically (no temporary files left) and deletes undefined keys', async () => {
    const file = path.join(dir, 'nested', 'ottr.json');
    const a = new FileStore(file);
    await a.write([
      ['conv/1', { n: 1 }],
      ['conv/2', { n: 2 }],
      ['session', { token: 't' }],
    ]);
    await a.write([['conv/2', undefined]]);
    const b = new FileStore(file);
    expect(await b.get('conv/1')).toEqual({ n: 1 });
    expect(await b.get('conv/2')).toBeUndefined();
    expect((await b.keys('conv/')).sort()).toEqual(['conv/1']);
    expect(await readdir(path.dirname(file))).toEqual(['ottr.json']);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ 'conv/1': { n: 1 }, session: { token: 't' } });
  });

  it('groups writes that come while one is in progress, each resolving once durable', async () => {
    const file = path.join(dir, 'ottr.json');
    const s = new FileStore(file);
    await Promise.all(Array.from({ length: 50 }, (_, i) => s.write([[`k${i}`, i]])));
    expect((await new FileStore(file).keys('k')).length).toBe(50);
  });

  it('returns copies: changing a value read or written does not change the store', async () => {
    const s = new FileStore(path.join(dir, 'ottr.json'));
    const v = { list: [1] };
    await s.write([['k', v]]);
    v.list.push(2);
    const read = (await s.get('k')) as { list: number[] };
    read.list.push(3);
    expect(await s.get('k')).toEqual({ list: [1] });
  });
});

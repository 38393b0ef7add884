import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openPath } from './media.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ottr-sdk-media-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

it('openPath streams byte ranges of a file, named after it, identified by path, size and time', async () => {
  const file = path.join(dir, 'notes.txt');
  await writeFile(file, 'hello, world');
  await utimes(file, 1000, 1000);
  const source = await openPath(file);
  expect(source).toMatchObject({ size: 12, name: 'notes.txt', identity: `file:${file}:12:1000000` });
  expect(await text((await source.read(7, 12)) as Readable)).toBe('world');

  await writeFile(file, 'hello, World');
  await utimes(file, 2000, 2000);
  expect((await openPath(file)).identity).not.toBe(source.identity);
  source.close();
});

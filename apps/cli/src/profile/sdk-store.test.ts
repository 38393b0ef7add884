import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KEYS, clearClientData } from '@ottr/sdk/node';
import { afterEach, expect, it } from 'vitest';
import { ProfileSdkStore } from './sdk-store.js';
import { ProfileStore } from './store.js';

let dir: string | undefined;
afterEach(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

it('keeps unfinished uploads in the profile across runs (and the rest in memory); sign-out clears them', async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ottr-sdk-store-'));
  const profile = new ProfileStore(dir, 'default');
  const upload = `${KEYS.uploadsPrefix}fp/1`;
  await new ProfileSdkStore(profile).write([
    [upload, { uploadUrl: 'http://x/v1/uploads/med_1' }],
    ['sync', { cursor: 3 }],
  ]);
  const next = new ProfileSdkStore(profile);
  expect(await next.get(upload)).toEqual({ uploadUrl: 'http://x/v1/uploads/med_1' });
  expect(await next.get('sync')).toBeUndefined();
  expect(await next.keys(KEYS.uploadsPrefix)).toEqual([upload]);

  await clearClientData(next);
  expect(await profile.load()).toEqual({});
});

import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configDir, ProfileStore } from './store.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempBase(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'ottr-profile-'));
  dirs.push(d);
  return path.join(d, 'ottr');
}

describe('configDir', () => {
  it('OTTR_CONFIG_DIR, else XDG_CONFIG_HOME/ottr, else ~/.config/ottr', () => {
    expect(configDir({ OTTR_CONFIG_DIR: '/tmp/x', XDG_CONFIG_HOME: '/y' })).toBe('/tmp/x');
    expect(configDir({ XDG_CONFIG_HOME: '/y' })).toBe('/y/ottr');
    expect(configDir({ HOME: '/home/ada' })).toBe('/home/ada/.config/ottr');
    expect(configDir({ HOME: '/home/ada', XDG_CONFIG_HOME: 'relative' })).toBe('/home/ada/.config/ottr');
  });
});

describe('ProfileStore', () => {
  it('a missing profile is empty; a saved one reads back, in a 0700 directory as a 0600 file', async () => {
    const base = await tempBase();
    const store = new ProfileStore(base, 'work');
    expect(await store.load()).toEqual({});
    await store.save({ server: 'http://127.0.0.1:1', adminToken: 'secret' });
    expect(await store.load()).toEqual({ server: 'http://127.0.0.1:1', adminToken: 'secret' });
    expect(store.file).toBe(path.join(base, 'profiles', 'work.json'));
    expect((await stat(store.file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(base, 'profiles'))).mode & 0o777).toBe(0o700);
    expect((await stat(base)).mode & 0o777).toBe(0o700);
  });

  it('update changes the stored profile under a lock, one writer at a time', async () => {
    const store = new ProfileStore(await tempBase(), 'default');
    await store.save({ server: 'a' });
    // Ten concurrent read-modify-write cycles: none is lost.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.update((p) => ({ ...p, adminToken: `${p.adminToken ?? ''}${i}` })),
      ),
    );
    expect((await store.load()).adminToken).toHaveLength(10);
  });

  it('rejects unsafe profile names and reports a corrupt file with what to do', async () => {
    const base = await tempBase();
    expect(() => new ProfileStore(base, '../evil')).toThrow(/invalid profile name/);
    expect(() => new ProfileStore(base, '')).toThrow(/invalid profile name/);
    const store = new ProfileStore(base, 'x');
    await store.save({});
    await writeFile(store.file, '{nope');
    await expect(store.load()).rejects.toThrow(/not valid JSON/);
    expect(await readFile(store.file, 'utf8')).toBe('{nope');
  });
});

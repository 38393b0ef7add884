import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config.js';
import { SECRET_FILE, ensureSecret } from './secret.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ottr-secret-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('ensureSecret', () => {
  it('generates a secret once, readable only by its owner, and reuses it', async () => {
    const first = await ensureSecret(dir, '');
    expect(first.length).toBeGreaterThanOrEqual(32);
    const file = path.join(dir, SECRET_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(first);
    expect(await ensureSecret(dir, '')).toBe(first);
  });

  it('prefers a configured secret and writes nothing', async () => {
    const configured = 'c'.repeat(40);
    expect(await ensureSecret(dir, configured)).toBe(configured);
    await expect(stat(path.join(dir, SECRET_FILE))).rejects.toThrow();
  });

  it('tightens a secret file that others can read', async () => {
    const file = path.join(dir, SECRET_FILE);
    await writeFile(file, 'k'.repeat(43));
    await chmod(file, 0o644);
    expect(await ensureSecret(dir, '')).toBe('k'.repeat(43));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses a truncated secret file', async () => {
    await writeFile(path.join(dir, SECRET_FILE), 'short', { mode: 0o600 });
    await expect(ensureSecret(dir, '')).rejects.toBeInstanceOf(ConfigError);
  });
});

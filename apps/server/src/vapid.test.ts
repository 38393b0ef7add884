import { createECDH } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config.js';
import { VAPID_FILE, ensureVapidKeys, validPair } from './vapid.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ottr-vapid-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const none = { publicKey: '', privateKey: '' };

describe('ensureVapidKeys', () => {
  it('generates a P-256 pair once, readable only by its owner, and keeps it', async () => {
    const first = await ensureVapidKeys(dir, none);
    expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(first.privateKey, 'base64url')).toHaveLength(32);
    expect(validPair(first)).toBe(true);
    const file = path.join(dir, VAPID_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(first);
    expect(await ensureVapidKeys(dir, none)).toEqual(first);
  });

  it('prefers the configured pair and writes nothing', async () => {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const configured = { publicKey: ecdh.getPublicKey('base64url'), privateKey: ecdh.getPrivateKey('base64url') };
    expect(await ensureVapidKeys(dir, configured)).toBe(configured);
    await expect(stat(path.join(dir, VAPID_FILE))).rejects.toThrow();
  });

  it('refuses a damaged file instead of replacing it (a new pair would end every subscription)', async () => {
    const file = path.join(dir, VAPID_FILE);
    await writeFile(file, '{ not json');
    await expect(ensureVapidKeys(dir, none)).rejects.toBeInstanceOf(ConfigError);
    const other = await ensureVapidKeys(await mkdtemp(path.join(dir, 'other-')), none);
    await writeFile(file, JSON.stringify({ publicKey: other.publicKey, privateKey: Buffer.alloc(32, 1).toString('base64url') }));
    await expect(ensureVapidKeys(dir, none)).rejects.toThrow(/not a P-256 key pair/);
    expect(await readFile(file, 'utf8')).toContain(other.publicKey);
  });
});

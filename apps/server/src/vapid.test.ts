import { createECDH } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config.js';
import { createWebPushProvider, generateVapidKeys } from '@ottr/push-webpush';
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
    const configured = generateVapidKeys();
    expect(await ensureVapidKeys(dir, configured)).toEqual(configured);
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

  it('pads a private key written without its leading zero bytes to the 32 bytes signing needs', async () => {
    // A scalar whose first byte is 0: what a generator that drops leading zeros writes as 31 bytes.
    const ecdh = createECDH('prime256v1');
    const scalar = Buffer.concat([Buffer.alloc(1), Buffer.alloc(31, 7)]);
    ecdh.setPrivateKey(scalar);
    const short = { publicKey: ecdh.getPublicKey('base64url'), privateKey: scalar.subarray(1).toString('base64url') };
    await writeFile(path.join(dir, VAPID_FILE), JSON.stringify(short));
    const kept = await ensureVapidKeys(dir, none);
    expect(kept).toEqual({ publicKey: short.publicKey, privateKey: scalar.toString('base64url') });
    expect(await ensureVapidKeys(path.join(dir, 'unused'), short)).toEqual(kept);
    // Signing with it works: the provider checks its keys when it is made.
    expect(() => createWebPushProvider({ vapid: { ...kept, subject: 'mailto:ops@example.com' } })).not.toThrow();
  });
});

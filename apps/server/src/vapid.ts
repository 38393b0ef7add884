import { createECDH } from 'node:crypto';
import { generateVapidKeys } from '@ottr/push-webpush';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { ConfigError } from './config.js';

export const VAPID_FILE = 'vapid.json';

export interface VapidKeys {
  /** Uncompressed P-256 point, base64url (the browser's applicationServerKey). */
  publicKey: string;
  /** The 32-byte private scalar, base64url. */
  privateKey: string;
}

/**
 * The VAPID key pair Web Push requests are signed with: the configured pair when set;
 * otherwise the one kept in `<dataDir>/vapid.json`, generated on first start (mode 0600).
 * Browsers subscribe with the public key, so it must never change under them: a new pair
 * would silently end every subscription.
 */
export async function ensureVapidKeys(dataDir: string, configured: VapidKeys, logger?: Logger): Promise<VapidKeys> {
  if (configured.publicKey !== '' && configured.privateKey !== '') return withFullScalar(configured);
  const file = path.join(dataDir, VAPID_FILE);
  const fresh: VapidKeys = generateVapidKeys();
  try {
    await writeFile(file, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    logger?.info({ file }, 'generated the VAPID keys for Web Push');
    return fresh;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  let kept: Partial<VapidKeys>;
  try {
    kept = JSON.parse(await readFile(file, 'utf8')) as Partial<VapidKeys>;
  } catch (err) {
    throw new ConfigError([`${file}: not readable as JSON (${err instanceof Error ? err.message : String(err)}); restore it, or set OTTR_VAPID_PUBLIC_KEY and OTTR_VAPID_PRIVATE_KEY`]);
  }
  if (!validPair(kept)) {
    throw new ConfigError([`${file}: not a P-256 key pair; restore it, or set OTTR_VAPID_PUBLIC_KEY and OTTR_VAPID_PRIVATE_KEY (a new pair ends every browser's subscription)`]);
  }
  return withFullScalar(kept);
}

/**
 * The private key as the 32 bytes VAPID signing needs: a scalar with leading zero bytes (1 in 256
 * keys) is often written shorter, and web-push refuses it so.
 */
export function withFullScalar(keys: VapidKeys): VapidKeys {
  const scalar = Buffer.from(keys.privateKey, 'base64url');
  if (scalar.length >= 32) return { publicKey: keys.publicKey, privateKey: keys.privateKey };
  return { publicKey: keys.publicKey, privateKey: Buffer.concat([Buffer.alloc(32 - scalar.length), scalar]).toString('base64url') };
}

/** Whether the private key is a P-256 scalar whose public point is `publicKey`. */
export function validPair(keys: Partial<VapidKeys>): keys is VapidKeys {
  if (typeof keys.publicKey !== 'string' || typeof keys.privateKey !== 'string') return false;
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(keys.privateKey, 'base64url'));
    return ecdh.getPublicKey('base64url') === keys.publicKey;
  } catch {
    return false;
  }
}

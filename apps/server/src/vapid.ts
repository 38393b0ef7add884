import { createECDH } from 'node:crypto';
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
  if (configured.publicKey !== '' && configured.privateKey !== '') return configured;
  const file = path.join(dataDir, VAPID_FILE);
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const fresh: VapidKeys = { publicKey: ecdh.getPublicKey('base64url'), privateKey: ecdh.getPrivateKey('base64url') };
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
  return { publicKey: kept.publicKey, privateKey: kept.privateKey };
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

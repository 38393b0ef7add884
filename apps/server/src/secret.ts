import { randomBytes } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { ConfigError } from './config.js';

export const SECRET_FILE = 'secret';
const MIN_LENGTH = 32;

/**
 * The key for code HMACs: `configured` when set (OTTR_SECRET); otherwise the one kept in
 * `<dataDir>/secret`, generated on first start (32 random bytes, base64url, mode 0600) so that
 * codes sent before a restart still verify after it. `dataDir` must exist.
 */
export async function ensureSecret(dataDir: string, configured: string, logger?: Logger): Promise<string> {
  if (configured !== '') return configured;
  const file = path.join(dataDir, SECRET_FILE);
  const fresh = randomBytes(32).toString('base64url');
  try {
    // `wx`: never overwrite one that another process just wrote.
    await writeFile(file, `${fresh}\n`, { mode: 0o600, flag: 'wx' });
    logger?.info({ file }, 'generated a new secret');
    return fresh;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const existing = (await readFile(file, 'utf8')).trim();
  if (existing.length < MIN_LENGTH) {
    throw new ConfigError([`${file}: the secret is shorter than ${MIN_LENGTH} characters; delete the file to generate a new one, or set OTTR_SECRET`]);
  }
  const mode = (await stat(file)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    await chmod(file, 0o600);
    logger?.warn({ file, mode: mode.toString(8) }, 'the secret file was readable by others; set its mode to 0600');
  }
  return existing;
}

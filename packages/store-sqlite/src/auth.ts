import type { AuthStore, CodeRecord, TokenRecord } from '@ottr/server';
import { toDevice, toToken, type DeviceRow, type TokenRow } from '@ottr/server/storage-kit';
import type { Db } from './db.js';
import { dropDeviceTargets } from './push.js';

export function createAuthStore(db: Db): AuthStore {
  const device = (id: string) => {
    const row = db.get<DeviceRow>('SELECT * FROM devices WHERE id = ?', id);
    return row === undefined ? undefined : toDevice(row);
  };
  const insertTokens = (tokens: readonly TokenRecord[]) => {
    for (const t of tokens) db.run('INSERT INTO tokens (hash, device_id, kind, expires_at) VALUES (?, ?, ?, ?)', t.hash, t.deviceId, t.kind, t.expiresAt);
  };
  const revoke = (deviceId: string, at: number) => {
    // Tokens stay until they expire so that they answer `session_revoked`, not `unauthorized`.
    db.run('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', at, deviceId);
    dropDeviceTargets(db, deviceId);
  };

  return {
    async putCode(c: CodeRecord) {
      db.run(
        'INSERT OR REPLACE INTO auth_codes (identifier, code_hash, expires_at, attempts, created_at) VALUES (?, ?, ?, ?, ?)',
        c.identifier, c.codeHash, c.expiresAt, c.attempts, c.createdAt,
      );
    },

    async getCode(identifier) {
      const r = db.get<{ identifier: string; code_hash: string; expires_at: number; attempts: number; created_at: number }>(
        'SELECT * FROM auth_codes WHERE identifier = ?', identifier,
      );
      return r === undefined ? null : { identifier: r.identifier, codeHash: r.code_hash, expiresAt: r.expires_at, attempts: r.attempts, createdAt: r.created_at };
    },

    async failCodeAttempt(identifier) {
      return db.value<number>('UPDATE auth_codes SET attempts = attempts + 1 WHERE identifier = ? RETURNING attempts', identifier) ?? 0;
    },

    async deleteCode(identifier) {
      return db.run('DELETE FROM auth_codes WHERE identifier = ?', identifier).changes > 0;
    },

    async createDevice(d, tokens) {
      db.write(() => {
        db.run(
          'INSERT INTO devices (id, account_id, name, platform, created_at, last_active_at) VALUES (?, ?, ?, ?, ?, ?)',
          d.id, d.accountId, d.name, d.platform, d.createdAt, d.lastActiveAt,
        );
        insertTokens(tokens);
      });
      return device(d.id)!;
    },

    async findToken(hash) {
      const t = db.get<TokenRow>('SELECT * FROM tokens WHERE hash = ? AND rotated_at IS NULL', hash);
      const d = t === undefined ? undefined : device(t.device_id);
      return t === undefined || d === undefined ? null : { token: toToken(t), device: d };
    },

    async rotateRefresh(oldHash, tokens, now) {
      return db.write(() => {
        const t = db.get<TokenRow>("SELECT * FROM tokens WHERE hash = ? AND kind = 'refresh' AND expires_at > ?", oldHash, now);
        const d = t === undefined ? undefined : device(t.device_id);
        if (t === undefined || d === undefined) return { outcome: 'invalid' as const };
        if (d.revokedAt !== null) return { outcome: 'revoked' as const, device: d };
        if (t.rotated_at !== null) {
          // Presented twice: one of the two holders stole it. Sign the device out for both.
          revoke(d.id, now);
          return { outcome: 'reused' as const, device: device(d.id)! };
        }
        db.run('UPDATE tokens SET rotated_at = ? WHERE hash = ?', now, oldHash);
        db.run("DELETE FROM tokens WHERE device_id = ? AND kind = 'access'", d.id);
        insertTokens(tokens);
        return { outcome: 'rotated' as const, device: d };
      });
    },

    async listDevices(accountId) {
      return db.all<DeviceRow>('SELECT * FROM devices WHERE account_id = ? AND revoked_at IS NULL ORDER BY created_at, id', accountId).map(toDevice);
    },

    async revokeDevice(accountId, deviceId, at) {
      return db.write(() => {
        const d = device(deviceId);
        if (d === undefined || d.accountId !== accountId || d.revokedAt !== null) return false;
        revoke(deviceId, at);
        return true;
      });
    },

    async touchDevice(deviceId, at) {
      db.run('UPDATE devices SET last_active_at = ? WHERE id = ?', at, deviceId);
    },

    async purgeExpired(now) {
      return db.write(
        () => db.run('DELETE FROM auth_codes WHERE expires_at <= ?', now).changes + db.run('DELETE FROM tokens WHERE expires_at <= ?', now).changes,
      );
    },
  };
}

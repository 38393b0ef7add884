import type { AuthStore, CodeRecord, TokenRecord } from '@ottr/server';
import { toDevice, toToken, type DeviceRow, type TokenRow } from '@ottr/server/storage-kit';
import type { Conn, Db } from './db.js';

export function createAuthStore(db: Db): AuthStore {
  const device = async (c: Conn, id: string, lock = '') => {
    const row = await c.row<DeviceRow>(`SELECT * FROM devices WHERE id = $1 ${lock}`, id);
    return row === undefined ? undefined : toDevice(row);
  };
  const insertTokens = async (c: Conn, tokens: readonly TokenRecord[]) => {
    if (tokens.length === 0) return;
    await c.run(
      'INSERT INTO tokens (hash, device_id, kind, expires_at) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])',
      tokens.map((t) => t.hash), tokens.map((t) => t.deviceId), tokens.map((t) => t.kind), tokens.map((t) => t.expiresAt),
    );
  };
  const revoke = async (c: Conn, deviceId: string, at: number) => {
    // Tokens stay until they expire so that they answer `session_revoked`, not `unauthorized`.
    await c.run('UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', at, deviceId);
    await c.run('DELETE FROM push_targets WHERE device_id = $1', deviceId);
  };

  return {
    async putCode(code: CodeRecord) {
      await db.run(
        `INSERT INTO auth_codes (identifier, code_hash, expires_at, attempts, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (identifier) DO UPDATE SET code_hash = excluded.code_hash, expires_at = excluded.expires_at, attempts = excluded.attempts, created_at = excluded.created_at`,
        code.identifier, code.codeHash, code.expiresAt, code.attempts, code.createdAt,
      );
    },

    async getCode(identifier) {
      const r = await db.row<{ identifier: string; code_hash: string; expires_at: number; attempts: number; created_at: number }>(
        'SELECT * FROM auth_codes WHERE identifier = $1', identifier,
      );
      return r === undefined ? null : { identifier: r.identifier, codeHash: r.code_hash, expiresAt: r.expires_at, attempts: r.attempts, createdAt: r.created_at };
    },

    async failCodeAttempt(identifier) {
      return (await db.value<number>('UPDATE auth_codes SET attempts = attempts + 1 WHERE identifier = $1 RETURNING attempts', identifier)) ?? 0;
    },

    async deleteCode(identifier) {
      return (await db.run('DELETE FROM auth_codes WHERE identifier = $1', identifier)) > 0;
    },

    async createDevice(d, tokens) {
      return db.tx(async (c) => {
        const row = await c.row<DeviceRow>(
          'INSERT INTO devices (id, account_id, name, platform, created_at, last_active_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
          d.id, d.accountId, d.name, d.platform, d.createdAt, d.lastActiveAt,
        );
        await insertTokens(c, tokens);
        return toDevice(row!);
      });
    },

    async findToken(hash) {
      const r = await db.row<TokenRow & { d: DeviceRow }>(
        'SELECT t.*, to_jsonb(d) AS d FROM tokens t JOIN devices d ON d.id = t.device_id WHERE t.hash = $1 AND t.rotated_at IS NULL',
        hash,
      );
      return r === undefined ? null : { token: toToken(r), device: toDevice(r.d) };
    },

    async rotateRefresh(oldHash, tokens, now) {
      return db.tx(async (c) => {
        // Locks the token row: of two concurrent rotations of one token, the second waits and sees it rotated.
        const t = await c.row<TokenRow>("SELECT * FROM tokens WHERE hash = $1 AND kind = 'refresh' AND expires_at > $2 FOR UPDATE", oldHash, now);
        const d = t === undefined ? undefined : await device(c, t.device_id, 'FOR UPDATE');
        if (t === undefined || d === undefined) return { outcome: 'invalid' as const };
        if (d.revokedAt !== null) return { outcome: 'revoked' as const, device: d };
        if (t.rotated_at !== null) {
          // Presented twice: one of the two holders stole it. Sign the device out for both.
          await revoke(c, d.id, now);
          return { outcome: 'reused' as const, device: (await device(c, d.id))! };
        }
        await c.run('UPDATE tokens SET rotated_at = $1 WHERE hash = $2', now, oldHash);
        await c.run("DELETE FROM tokens WHERE device_id = $1 AND kind = 'access'", d.id);
        await insertTokens(c, tokens);
        return { outcome: 'rotated' as const, device: d };
      });
    },

    async listDevices(accountId) {
      return (await db.rows<DeviceRow>('SELECT * FROM devices WHERE account_id = $1 AND revoked_at IS NULL ORDER BY created_at, id', accountId)).map(toDevice);
    },

    async revokeDevice(accountId, deviceId, at) {
      // One statement: the revoke and, with it, the device's push targets.
      const n = await db.value<number>(
        `WITH r AS (UPDATE devices SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL RETURNING id),
         t AS (DELETE FROM push_targets WHERE device_id IN (SELECT id FROM r))
         SELECT count(*) FROM r`,
        at, deviceId, accountId,
      );
      return n === 1;
    },

    async touchDevice(deviceId, at) {
      await db.run('UPDATE devices SET last_active_at = $1 WHERE id = $2', at, deviceId);
    },

    async purgeExpired(now) {
      return db.tx(async (c) => (await c.run('DELETE FROM auth_codes WHERE expires_at <= $1', now)) + (await c.run('DELETE FROM tokens WHERE expires_at <= $1', now)));
    },
  };
}

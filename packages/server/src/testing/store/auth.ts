import type { AccountId, DeviceId } from '@ottr/protocol';
import { describe, expect } from 'vitest';
import type { TokenRecord } from '../../ports/index.js';
import type { Suite } from './fixtures.js';

export function authTests(s: Suite): void {
  const { f, test } = s;
  const HOUR = 3_600_000;

  async function device(accountId?: AccountId) {
    const account = accountId ?? (await f.account());
    const id = f.id<DeviceId>('device');
    const at = f.now();
    const tokens: TokenRecord[] = [
      { hash: `a-${id}`, deviceId: id, kind: 'access', expiresAt: at + HOUR },
      { hash: `r-${id}`, deviceId: id, kind: 'refresh', expiresAt: at + 100 * HOUR },
    ];
    const record = await s.store.auth.createDevice({ id, accountId: account, name: 'Phone', platform: 'ios', createdAt: at, lastActiveAt: at }, tokens);
    return { account, id, at, record, access: tokens[0]!, refresh: tokens[1]! };
  }
  const fresh = (deviceId: DeviceId, tag: string, at: number): TokenRecord[] => [
    { hash: `a-${tag}`, deviceId, kind: 'access', expiresAt: at + HOUR },
    { hash: `r-${tag}`, deviceId, kind: 'refresh', expiresAt: at + 100 * HOUR },
  ];

  describe('auth', () => {
    test('one-time codes: put replaces, attempts count up, delete removes', async () => {
      const code = { identifier: 'email:a@b.c', codeHash: 'h1', expiresAt: 2000, attempts: 0, createdAt: 1000 };
      await s.store.auth.putCode(code);
      expect(await s.store.auth.getCode('email:a@b.c')).toEqual(code);
      expect(await s.store.auth.failCodeAttempt('email:a@b.c')).toBe(1);
      expect(await s.store.auth.failCodeAttempt('email:a@b.c')).toBe(2);
      await s.store.auth.putCode({ ...code, codeHash: 'h2' });
      expect(await s.store.auth.getCode('email:a@b.c')).toEqual({ ...code, codeHash: 'h2', attempts: 0 });
      expect(await s.store.auth.failCodeAttempt('phone:+1555')).toBe(0);
      const both = await Promise.all([s.store.auth.deleteCode('email:a@b.c'), s.store.auth.deleteCode('email:a@b.c')]);
      expect(both.sort()).toEqual([false, true]); // a code is used once, even by concurrent verifies
      expect(await s.store.auth.getCode('email:a@b.c')).toBeNull();
    });

    test('createDevice stores the device and its tokens; findToken finds live tokens only', async () => {
      const d = await device();
      expect(d.record).toEqual({ id: d.id, accountId: d.account, name: 'Phone', platform: 'ios', createdAt: d.at, lastActiveAt: d.at, revokedAt: null });
      expect(await s.store.auth.findToken(d.access.hash)).toEqual({ token: d.access, device: d.record });
      expect(await s.store.auth.findToken(d.refresh.hash)).toEqual({ token: d.refresh, device: d.record });
      expect(await s.store.auth.findToken('nope')).toBeNull();
      expect(await s.store.auth.listDevices(d.account)).toEqual([d.record]);
    });

    test('rotateRefresh exchanges the refresh token; the old refresh and access tokens stop working', async () => {
      const d = await device();
      const now = f.now();
      const next = fresh(d.id, 'rot1', now);
      const r = await s.store.auth.rotateRefresh(d.refresh.hash, next, now);
      expect(r).toEqual({ outcome: 'rotated', device: d.record });
      expect(await s.store.auth.findToken(d.refresh.hash)).toBeNull();
      expect(await s.store.auth.findToken(d.access.hash)).toBeNull();
      expect((await s.store.auth.findToken('a-rot1'))?.token).toEqual(next[0]);
      const again = await s.store.auth.rotateRefresh('r-rot1', fresh(d.id, 'rot2', now), now);
      expect(again.outcome).toBe('rotated');
      expect(await s.store.auth.findToken('r-rot2')).not.toBeNull();
    });

    test('presenting a rotated refresh token again revokes the device (reuse detection)', async () => {
      const d = await device();
      const now = f.now();
      await s.store.auth.rotateRefresh(d.refresh.hash, fresh(d.id, 'reuse1', now), now);
      const stolen = await s.store.auth.rotateRefresh(d.refresh.hash, fresh(d.id, 'reuse2', now), now + 1);
      expect(stolen.outcome).toBe('reused');
      expect(stolen.outcome === 'reused' && stolen.device.revokedAt).toBe(now + 1);
      // The tokens of the revoked device are still recognised, as revoked (session_revoked for their holders).
      expect((await s.store.auth.findToken('a-reuse1'))?.device.revokedAt).toBe(now + 1);
      expect((await s.store.auth.findToken('r-reuse1'))?.device.revokedAt).toBe(now + 1);
      expect(await s.store.auth.findToken('a-reuse2')).toBeNull();
      expect((await s.store.auth.rotateRefresh('r-reuse1', fresh(d.id, 'reuse3', now), now + 2)).outcome).toBe('revoked');
      expect(await s.store.auth.findToken('a-reuse3')).toBeNull();
      expect(await s.store.auth.listDevices(d.account)).toEqual([]);
    });

    test('rotateRefresh is invalid for unknown, access and expired tokens, revoked for revoked devices', async () => {
      const d = await device();
      const now = f.now();
      expect(await s.store.auth.rotateRefresh('unknown', fresh(d.id, 'inv1', now), now)).toEqual({ outcome: 'invalid' });
      expect(await s.store.auth.rotateRefresh(d.access.hash, fresh(d.id, 'inv2', now), now)).toEqual({ outcome: 'invalid' });
      expect(await s.store.auth.rotateRefresh(d.refresh.hash, fresh(d.id, 'inv3', now), d.refresh.expiresAt + 1)).toEqual({ outcome: 'invalid' });
      const e = await device();
      await s.store.auth.revokeDevice(e.account, e.id, now);
      expect(await s.store.auth.rotateRefresh(e.refresh.hash, fresh(e.id, 'inv4', now), now)).toEqual({ outcome: 'revoked', device: { ...e.record, revokedAt: now } });
      expect(await s.store.auth.findToken('a-inv1')).toBeNull();
    });

    test('revokeDevice signs out one live device of that account only', async () => {
      const d = await device();
      const other = await device(d.account);
      const stranger = await f.account();
      expect(await s.store.auth.revokeDevice(stranger, d.id, f.now())).toBe(false);
      expect(await s.store.auth.revokeDevice(d.account, d.id, f.now())).toBe(true);
      expect(await s.store.auth.revokeDevice(d.account, d.id, f.now())).toBe(false);
      expect(await s.store.auth.revokeDevice(d.account, f.id('device'), f.now())).toBe(false);
      expect((await s.store.auth.findToken(d.access.hash))?.device.revokedAt).toEqual(expect.any(Number));
      expect((await s.store.auth.findToken(d.refresh.hash))?.device.revokedAt).toEqual(expect.any(Number));
      expect((await s.store.auth.findToken(other.access.hash))?.device.revokedAt).toBeNull();
      expect((await s.store.auth.listDevices(d.account)).map((x) => x.id)).toEqual([other.id]);
    });

    test('touchDevice records activity', async () => {
      const d = await device();
      await s.store.auth.touchDevice(d.id, d.at + 5);
      expect((await s.store.auth.findToken(d.access.hash))?.device.lastActiveAt).toBe(d.at + 5);
    });

    test('purgeExpired deletes expired codes and tokens only', async () => {
      const d = await device();
      await s.store.auth.putCode({ identifier: 'email:old@x.y', codeHash: 'h', expiresAt: d.at - 1, attempts: 0, createdAt: d.at - 10 });
      await s.store.auth.putCode({ identifier: 'email:new@x.y', codeHash: 'h', expiresAt: d.at + HOUR, attempts: 0, createdAt: d.at });
      const purged = await s.store.auth.purgeExpired(d.at + 2 * HOUR);
      expect(purged).toBe(3);
      expect(await s.store.auth.getCode('email:old@x.y')).toBeNull();
      expect(await s.store.auth.getCode('email:new@x.y')).toBeNull();
      expect(await s.store.auth.findToken(d.access.hash)).toBeNull();
      expect(await s.store.auth.findToken(d.refresh.hash)).not.toBeNull();
      expect(await s.store.auth.purgeExpired(d.at + 2 * HOUR)).toBe(0);
    });
  });
}

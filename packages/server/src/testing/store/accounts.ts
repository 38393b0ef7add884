import type { AccountId, DeviceId } from '@ottr/protocol';
import { describe, expect } from 'vitest';
import { expectCode, type Suite } from './fixtures.js';

export function accountTests(s: Suite): void {
  const { f, test } = s;
  const newAccount = (over: { phone?: string | null; email?: string | null } = {}) => ({
    id: f.id<AccountId>('account'), phone: over.phone ?? null, email: over.email ?? null, displayName: 'Ann', about: 'hi', avatar: null,
    presencePrivacy: 'everyone' as const, createdAt: f.now(),
  });

  describe('accounts', () => {
    test('create, get, getMany and findByIdentifier return the stored account', async () => {
      const input = newAccount({ phone: '+15551230001', email: 'ann@example.test' });
      const created = await s.store.accounts.create(input);
      expect(created).toEqual({ ...input, lastSeenAt: null, suspendedAt: null, deletedAt: null });
      expect(await s.store.accounts.get(input.id)).toEqual(created);
      expect(await s.store.accounts.findByIdentifier('phone', '+15551230001')).toEqual(created);
      expect(await s.store.accounts.findByIdentifier('email', 'ann@example.test')).toEqual(created);
      expect(await s.store.accounts.findByIdentifier('email', 'other@example.test')).toBeNull();
      const other = await f.account();
      const many = await s.store.accounts.getMany([input.id, other, f.id('account')]);
      expect(many.map((a) => a.id).sort()).toEqual([input.id, other].sort());
      expect(await s.store.accounts.get(f.id('account'))).toBeNull();
    });

    test('a phone or email of a live account cannot be taken again (conflict)', async () => {
      await s.store.accounts.create(newAccount({ phone: '+15551230002', email: 'bob@example.test' }));
      await expectCode(s.store.accounts.create(newAccount({ phone: '+15551230002' })), 'conflict');
      await expectCode(s.store.accounts.create(newAccount({ email: 'bob@example.test' })), 'conflict');
      await s.store.accounts.create(newAccount({ phone: null, email: null }));
      await s.store.accounts.create(newAccount({ phone: null, email: null }));
    });

    test('update patches the profile; unknown and deleted accounts are not_found', async () => {
      const id = await f.account();
      const updated = await s.store.accounts.update(id, { displayName: 'New', about: 'x', avatar: 'med_1', presencePrivacy: 'nobody' });
      expect(updated).toMatchObject({ displayName: 'New', about: 'x', avatar: 'med_1', presencePrivacy: 'nobody' });
      expect(await s.store.accounts.update(id, { avatar: null })).toMatchObject({ displayName: 'New', avatar: null });
      await expectCode(s.store.accounts.update(f.id('account'), { about: 'y' }), 'not_found');
      await s.store.accounts.markDeleted(id, f.now());
      await expectCode(s.store.accounts.update(id, { about: 'y' }), 'not_found');
    });

    test('setLastSeen records the time', async () => {
      const id = await f.account();
      await s.store.accounts.setLastSeen(id, 1234);
      expect((await s.store.accounts.get(id))?.lastSeenAt).toBe(1234);
    });

    test('markDeleted erases identifiers and profile, frees them, revokes devices and drops blocks', async () => {
      const input = newAccount({ phone: '+15551230003', email: 'del@example.test' });
      await s.store.accounts.create({ ...input, avatar: 'med_x' });
      const other = await f.account();
      await s.store.accounts.block(input.id, other, f.now());
      await s.store.accounts.block(other, input.id, f.now());
      const deviceId = f.id<DeviceId>('device');
      const at = f.now();
      await s.store.auth.createDevice({ id: deviceId, accountId: input.id, name: 'phone', platform: 'web', createdAt: at, lastActiveAt: at }, [
        { hash: 'h-del-access', deviceId, kind: 'access', expiresAt: at + 1e9 },
      ]);
      const deletedAt = f.now();
      await s.store.accounts.markDeleted(input.id, deletedAt);
      expect(await s.store.accounts.get(input.id)).toEqual({
        ...input, phone: null, email: null, displayName: 'Deleted account', about: '', avatar: null, lastSeenAt: null, suspendedAt: null, deletedAt,
      });
      expect(await s.store.accounts.findByIdentifier('phone', '+15551230003')).toBeNull();
      expect(await s.store.auth.findToken('h-del-access')).toBeNull();
      expect(await s.store.auth.listDevices(input.id)).toEqual([]);
      expect(await s.store.accounts.listBlocked(input.id)).toEqual([]);
      expect(await s.store.accounts.isBlockedEitherWay(input.id, other)).toBe(false);
      const again = await s.store.accounts.create(newAccount({ phone: '+15551230003', email: 'del@example.test' }));
      expect(await s.store.accounts.findByIdentifier('email', 'del@example.test')).toEqual(again);
    });

    test('directBarriers tells a gone peer and a block either way in one read', async () => {
      const [a, b, c] = await f.accounts(3);
      expect(await s.store.accounts.directBarriers(a!, b!)).toEqual({ peerGone: false, blocked: false });
      await s.store.accounts.block(b!, a!, f.now());
      expect(await s.store.accounts.directBarriers(a!, b!)).toEqual({ peerGone: false, blocked: true });
      expect(await s.store.accounts.directBarriers(b!, a!)).toEqual({ peerGone: false, blocked: true });
      await s.store.accounts.markDeleted(c!, f.now());
      expect(await s.store.accounts.directBarriers(a!, c!)).toEqual({ peerGone: true, blocked: false });
      expect(await s.store.accounts.directBarriers(a!, f.id('account'))).toEqual({ peerGone: true, blocked: false });
    });

    test('blocks are idempotent, listed, checked either way and removable', async () => {
      const [a, b, c] = await f.accounts(3);
      await s.store.accounts.block(a!, b!, f.now());
      await s.store.accounts.block(a!, b!, f.now());
      await s.store.accounts.block(a!, c!, f.now());
      expect(await s.store.accounts.listBlocked(a!)).toEqual([b, c]);
      expect(await s.store.accounts.isBlockedEitherWay(a!, b!)).toBe(true);
      expect(await s.store.accounts.isBlockedEitherWay(b!, a!)).toBe(true);
      expect(await s.store.accounts.isBlockedEitherWay(b!, c!)).toBe(false);
      await s.store.accounts.unblock(a!, b!);
      expect(await s.store.accounts.listBlocked(a!)).toEqual([c]);
      expect(await s.store.accounts.isBlockedEitherWay(b!, a!)).toBe(false);
    });
  });
}

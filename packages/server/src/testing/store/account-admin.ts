import type { AccountId, DeviceId } from '@ottr/protocol';
import { describe, expect } from 'vitest';
import type { AccountListItem } from '../../ports/index.js';
import { expectCode, type Suite } from './fixtures.js';

/** What operators need of the account store: suspension and the paged list of every account. */
export function accountAdminTests(s: Suite): void {
  const { f, test } = s;
  const create = async (createdAt: number, over: { phone?: string; email?: string } = {}): Promise<AccountId> => {
    const id = f.id<AccountId>('account');
    await s.store.accounts.create({
      id, phone: over.phone ?? null, email: over.email ?? null, displayName: id.slice(-6), about: '', avatar: null, presencePrivacy: 'everyone', createdAt,
    });
    return id;
  };
  const device = async (accountId: AccountId): Promise<DeviceId> => {
    const id = f.id<DeviceId>('device');
    const at = f.now();
    await s.store.auth.createDevice({ id, accountId, name: 'phone', platform: 'web', createdAt: at, lastActiveAt: at }, []);
    return id;
  };
  /** Every page of the list, following `next`. */
  const all = async (limit: number, q?: Parameters<typeof s.store.accounts.list>[0]['q']): Promise<{ pages: number; items: AccountListItem[] }> => {
    const items: AccountListItem[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await s.store.accounts.list({ limit, ...(cursor !== undefined ? { cursor } : {}), ...(q ? { q } : {}) });
      pages++;
      items.push(...page.items);
      cursor = page.next ?? undefined;
    } while (cursor !== undefined && pages < 100);
    return { pages, items };
  };

  describe('accounts: administration', () => {
    test('setSuspended sets and lifts suspendedAt; unknown and deleted accounts are not_found', async () => {
      const id = await create(f.now(), { email: 'sus@example.test' });
      expect((await s.store.accounts.get(id))?.suspendedAt).toBeNull();
      const at = f.now();
      const suspended = await s.store.accounts.setSuspended(id, at);
      expect(suspended).toMatchObject({ id, email: 'sus@example.test', suspendedAt: at, deletedAt: null });
      expect(await s.store.accounts.get(id)).toEqual(suspended);
      // A suspended account still holds its identifier (sign-in is refused, not re-created).
      expect(await s.store.accounts.findByIdentifier('email', 'sus@example.test')).toEqual(suspended);
      await expectCode(s.store.accounts.create({ ...suspended, id: f.id('account') }), 'conflict');
      expect((await s.store.accounts.setSuspended(id, null)).suspendedAt).toBeNull();
      expect((await s.store.accounts.get(id))?.suspendedAt).toBeNull();
      await expectCode(s.store.accounts.setSuspended(f.id('account'), at), 'not_found');
      await s.store.accounts.markDeleted(id, f.now());
      await expectCode(s.store.accounts.setSuspended(id, at), 'not_found');
    });

    test('list pages through every account, deleted ones included, newest first, each once', async () => {
      const t0 = f.now();
      const ids: AccountId[] = [];
      for (let i = 0; i < 7; i++) ids.push(await create(t0 + i * 10));
      // Two accounts created in the same millisecond: the larger id first.
      const twins = [await create(t0 + 100), await create(t0 + 100)].sort().reverse();
      await s.store.accounts.markDeleted(ids[2]!, f.now());
      const expected = [...twins, ...[...ids].reverse()];

      const { pages, items } = await all(3);
      expect(items.map((a) => a.id)).toEqual(expected);
      expect(pages).toBe(3);
      expect(items.find((a) => a.id === ids[2])).toMatchObject({ deletedAt: expect.any(Number) as number, phone: null, email: null });
      const one = await s.store.accounts.list({ limit: 100 });
      expect(one.items.map((a) => a.id)).toEqual(expected);
      expect(one.next).toBeNull();
      // A page that ends exactly at the last account says so.
      expect((await s.store.accounts.list({ limit: expected.length })).next).toBeNull();
    });

    test('list counts live devices only, and items are the stored records', async () => {
      const a = await create(f.now(), { phone: '+15551230101' });
      const b = await create(f.now());
      await device(a);
      const revoked = await device(a);
      await device(a);
      await s.store.auth.revokeDevice(a, revoked, f.now());
      await s.store.accounts.setSuspended(b, 42);
      const { items } = await s.store.accounts.list({ limit: 10 });
      expect(items).toEqual([
        { ...(await s.store.accounts.get(b))!, devices: 0 },
        { ...(await s.store.accounts.get(a))!, devices: 2 },
      ]);
      expect(items[0]?.suspendedAt).toBe(42);
    });

    test('list narrows to an exact id, or to the live account with a phone or email', async () => {
      const phone = await create(f.now(), { phone: '+15551230102' });
      const email = await create(f.now(), { email: 'find@example.test' });
      const gone = await create(f.now(), { email: 'gone@example.test' });
      await create(f.now(), { email: 'other@example.test' });
      await s.store.accounts.markDeleted(gone, f.now());
      const ids = async (q: Parameters<typeof all>[1]) => (await all(10, q)).items.map((a) => a.id);
      expect(await ids({ kind: 'id', value: phone })).toEqual([phone]);
      expect(await ids({ kind: 'id', value: gone })).toEqual([gone]);
      expect(await ids({ kind: 'phone', value: '+15551230102' })).toEqual([phone]);
      expect(await ids({ kind: 'email', value: 'find@example.test' })).toEqual([email]);
      expect(await ids({ kind: 'email', value: 'gone@example.test' })).toEqual([]);
      expect(await ids({ kind: 'email', value: 'FIND@example.test' })).toEqual([]);
      expect(await ids({ kind: 'id', value: f.id('account') })).toEqual([]);
    });

    test('list rejects a malformed cursor with invalid_cursor', async () => {
      await create(f.now());
      await expectCode(s.store.accounts.list({ limit: 10, cursor: 'not a cursor' }), 'invalid_cursor');
    });
  });
}

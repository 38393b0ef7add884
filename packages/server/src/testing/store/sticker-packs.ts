import type { AccountId, MediaId, StickerPackId } from '@ottr/protocol';
import { describe, expect } from 'vitest';
import type { StickerRecord } from '../../ports/index.js';
import { expectCode, type Suite } from './fixtures.js';

export function stickerPackTests(s: Suite): void {
  const { f, test } = s;

  async function pack(owner: AccountId, title = 'Cats') {
    return s.store.media.createPack({ id: f.id<StickerPackId>('stickerPack'), ownerId: owner, title, createdAt: f.now() });
  }
  async function sticker(owner: AccountId, emoji: string | null = null): Promise<StickerRecord> {
    return { mediaId: await f.media(owner, { kind: 'sticker', mime: 'image/webp' }), emoji, addedAt: f.now() };
  }

  describe('media: sticker packs', () => {
    test('createPack returns the empty pack; getPack reads it; an existing id is a conflict', async () => {
      const a = await f.account();
      const p = await pack(a, 'Dogs');
      expect(p).toEqual({ id: p.id, ownerId: a, title: 'Dogs', createdAt: p.createdAt, stickers: [] });
      expect(await s.store.media.getPack(p.id)).toEqual(p);
      await expectCode(s.store.media.createPack({ id: p.id, ownerId: a, title: 'Other', createdAt: f.now() }), 'conflict');
      expect(await s.store.media.getPack(p.id)).toEqual(p);
      expect(await s.store.media.getPack(f.id('stickerPack'))).toBeNull();
    });

    test('addSticker appends in order up to the cap; conflict for one already in, not_found for an unknown pack', async () => {
      const a = await f.account();
      const p = await pack(a);
      const [one, two, three] = [await sticker(a, '😺'), await sticker(a), await sticker(a, '🐈')];
      expect((await s.store.media.addSticker(p.id, two, 2)).stickers).toEqual([two]);
      const full = await s.store.media.addSticker(p.id, one, 2);
      expect(full).toEqual({ ...p, stickers: [two, one] });
      await expectCode(s.store.media.addSticker(p.id, three, 2), 'group_full');
      await expectCode(s.store.media.addSticker(p.id, { ...one, addedAt: f.now() }, 5), 'conflict');
      await expectCode(s.store.media.addSticker(f.id('stickerPack'), three, 5), 'not_found');
      expect(await s.store.media.getPack(p.id)).toEqual(full);
      expect((await s.store.media.addSticker(p.id, three, 3)).stickers).toEqual([two, one, three]);
    });

    test('removeSticker removes one and keeps the order of the rest; false when it was not in the pack', async () => {
      const a = await f.account();
      const p = await pack(a);
      const [one, two, three] = [await sticker(a), await sticker(a), await sticker(a)];
      for (const st of [one, two, three]) await s.store.media.addSticker(p.id, st, 10);
      expect(await s.store.media.removeSticker(p.id, two.mediaId)).toBe(true);
      expect(await s.store.media.removeSticker(p.id, two.mediaId)).toBe(false);
      expect(await s.store.media.removeSticker(p.id, f.id<MediaId>('media'))).toBe(false);
      expect((await s.store.media.getPack(p.id))!.stickers).toEqual([one, three]);
      const again = { ...two, addedAt: f.now() };
      expect((await s.store.media.addSticker(p.id, again, 10)).stickers).toEqual([one, three, again]);
    });

    test('listPacks: the packs an account created or installed, oldest first, each once', async () => {
      const a = await f.account();
      const b = await f.account();
      const own = await pack(a, 'Own');
      const early = await pack(b, 'Created early, installed late');
      const late = await pack(b, 'Created late, installed early');
      const notInstalled = await pack(b, 'Not installed');
      const st = await sticker(b);
      const withSticker = await s.store.media.addSticker(late.id, st, 10);
      await s.store.media.installPack(a, late.id, f.now());
      await s.store.media.installPack(a, early.id, f.now());
      await s.store.media.installPack(a, own.id, f.now());
      const expected = [own, withSticker, early];
      expect(await s.store.media.listPacks(a)).toEqual(expected);
      // Installing again changes nothing (its place stays that of the first install).
      await s.store.media.installPack(a, late.id, f.now());
      expect(await s.store.media.listPacks(a)).toEqual(expected);
      expect(await s.store.media.listPacks(b)).toEqual([early, withSticker, notInstalled]);
      await expectCode(s.store.media.installPack(a, f.id('stickerPack'), f.now()), 'not_found');

      await s.store.media.uninstallPack(a, late.id);
      await s.store.media.uninstallPack(a, late.id);
      await s.store.media.uninstallPack(a, own.id);
      expect(await s.store.media.listPacks(a)).toEqual([own, early]);
      expect(await s.store.media.listPacks(await f.account())).toEqual([]);
    });
  });
}

import type { AccountId, ConversationId, MediaId, StickerPackId } from '@ottr/protocol';
import { describe, expect } from 'vitest';
import type { ExportBatch, Store } from '../../ports/index.js';
import { type Suite } from './fixtures.js';

async function collect(store: Store): Promise<ExportBatch[]> {
  const out: ExportBatch[] = [];
  for await (const batch of store.exportAll()) out.push(structuredClone(batch));
  return out;
}

async function* replay(batches: readonly ExportBatch[]): AsyncGenerator<ExportBatch> {
  for (const b of batches) yield b;
}

export function transferTests(s: Suite): void {
  const { f, test } = s;

  /** What an account sees, as the services read it. */
  const view = async (store: Store, accounts: readonly AccountId[], conversations: readonly ConversationId[], media: readonly MediaId[], cursor: string) => ({
    media: await Promise.all(media.map(async (id) => ({ record: await store.media.get(id), readers: await Promise.all(accounts.map((a) => store.media.canRead(id, a))) }))),
    packs: await Promise.all(accounts.map((a) => store.media.listPacks(a))),
    garbage: await store.media.garbage({ orphanedBefore: Number.MAX_SAFE_INTEGER, limit: 10 }),
    lists: await Promise.all(accounts.map((a) => store.conversations.listForAccount(a, { archived: false, limit: 50 }))),
    history: await Promise.all(conversations.map((c) => store.events.page(c, { limit: 100, minSeq: 1 }))),
    sync: await Promise.all(accounts.map((a) => store.sync.page(a, cursor, 100))),
    search: await store.events.search(accounts[1]!, 'zebra', { limit: 10 }),
    accounts: await store.accounts.list({ limit: 10 }),
  });

  describe('export and import (moving an installation)', () => {
    test('an import of an export answers every read the same, and writes continue its seqs and versions', async () => {
      const [a, b, c] = await f.accounts(3);
      const direct = await f.direct(a!, b!);
      const group = await f.group(a!, [b!, c!]);
      const m1 = await f.send(direct, a!, 'zebra crossing');
      const m2 = await f.send(direct, b!, 'typo');
      await f.edit(direct, b!, m2.event.id, 'fixed');
      const g1 = await f.send(group, c!, 'delete me');
      await f.remove(group, c!, g1.event.id);
      const g2 = await f.send(group, a!, 'react to me');
      await f.react(group, b!, g2.event.id, '👍');
      await s.store.conversations.moveReceipt(direct, b!, 'read', m1.event.seq, [a!]);
      await s.store.conversations.updateMembership(group, c!, { pinned: true, archived: false });
      const photo = await f.media(a!);
      await f.send(group, a!, { kind: 'image', mediaId: photo, caption: 'zebra' });
      const gone = await f.media(b!);
      await f.remove(direct, b!, (await f.send(direct, b!, { kind: 'file', mediaId: gone, caption: 'oops' })).event.id);
      const sticker = await f.media(c!, { kind: 'sticker', mime: 'image/webp' });
      const pack = f.id<StickerPackId>('stickerPack');
      await s.store.media.createPack({ id: pack, ownerId: c!, title: 'Zebras', createdAt: f.now() });
      await s.store.media.addSticker(pack, { mediaId: sticker, emoji: '🦓', addedAt: f.now() }, 10);
      await s.store.media.installPack(b!, pack, f.now());
      const media = [photo, gone, sticker];
      const { cursor } = await f.syncAll(b!, null);
      await f.send(group, c!, 'after the cursor');

      const exported = await collect(s.store);
      expect(exported.map((e) => e.table).at(-1)).toBe('store');
      const copy = await s.open();
      try {
        const counts = await copy.importAll(replay(exported));
        expect(counts).toMatchObject({ accounts: 3, conversations: 2, media: 3, media_refs: 1, sticker_packs: 1, stickers: 1, sticker_installs: 1, store: 1 });
        const ids = [a!, b!, c!];
        expect(await view(copy, ids, [direct, group], media, cursor)).toEqual(await view(s.store, ids, [direct, group], media, cursor));
        expect(await copy.events.edits(m2.event.id)).toEqual(await s.store.events.edits(m2.event.id));
        // The same export again (events in the same order, the same versions).
        expect(await collect(copy)).toEqual(exported);

        const next = await copy.events.append({ id: f.id('message'), conversationId: direct, sender: a!, at: f.now(), type: 'message', deviceId: f.id('device'), clientMsgId: 'n1', content: { kind: 'text', text: 'next' } });
        expect(next.event.seq).toBe((await s.store.conversations.get(direct))!.lastSeq + 1);
        const after = await copy.sync.page(a!, (await s.store.sync.page(a!, null, 100)).cursor, 100);
        expect(after.entries.flatMap((e) => e.events.map((v) => v.id))).toEqual([next.event.id]);
      } finally {
        await copy.close();
      }
    });

    test('refuses a store that is not empty, and an export cut short, changing nothing', async () => {
      const [a, b] = await f.accounts(2);
      await f.send(await f.direct(a!, b!), a!, 'hello');
      const exported = await collect(s.store);
      await expect(s.store.importAll(replay(exported))).rejects.toThrow(/not empty/);
      expect(await collect(s.store)).toEqual(exported);

      const copy = await s.open();
      try {
        await expect(copy.importAll(replay(exported.slice(0, -1)))).rejects.toThrow(/truncated/);
        await expect(copy.importAll(replay([{ table: 'nope', rows: [] }]))).rejects.toThrow(/unknown table/);
        expect((await copy.accounts.list({ limit: 10 })).items).toEqual([]);
        await copy.importAll(replay(exported));
        expect(await collect(copy)).toEqual(exported);
      } finally {
        await copy.close();
      }
    });
  });
}

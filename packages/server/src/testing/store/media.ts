import type { AccountId, MediaId, StickerPackId } from '@ottr/protocol';
import { describe, expect } from 'vitest';
import type { NewJob } from '../../ports/index.js';
import { expectCode, type Suite } from './fixtures.js';

export function mediaTests(s: Suite): void {
  const { f, test } = s;

  const job = (mediaId: MediaId): NewJob => ({ id: f.id('event'), kind: 'media.process', payload: { mediaId }, runAt: f.now(), now: f.now() });
  const image = (mediaId: MediaId) => ({ kind: 'image' as const, mediaId });
  const released = async (id: MediaId) => (await s.store.media.get(id))!.releasedAt;

  /** A pack of `owner` holding `mediaId`. */
  async function packWith(owner: AccountId, mediaId: MediaId): Promise<StickerPackId> {
    const id = f.id<StickerPackId>('stickerPack');
    await s.store.media.createPack({ id, ownerId: owner, title: 'Cats', createdAt: f.now() });
    await s.store.media.addSticker(id, { mediaId, emoji: null, addedAt: f.now() }, 10);
    return id;
  }

  describe('media: records', () => {
    test('create stores the record exactly and its job in the same transaction', async () => {
      const owner = await f.account();
      const record = f.mediaRecord(owner, {
        kind: 'voice', status: 'processing', mime: 'audio/ogg', size: 4096, name: 'note.ogg', durationMs: 1500, waveform: [0, 17, 255],
        thumbnail: { key: 'x/thumbnail', mime: 'image/webp', size: 300, width: 32, height: 20 }, poster: { key: 'x/poster', mime: 'image/jpeg', size: 900, width: 64, height: 40 },
        width: 64, height: 40, blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj', error: 'none yet',
      });
      const j = job(record.id);
      await s.store.media.create(record, j);
      expect(await s.store.media.get(record.id)).toEqual(record);
      expect(await s.store.jobs.get(j.id)).toMatchObject({ kind: 'media.process', payload: { mediaId: record.id }, status: 'pending', runAt: j.runAt });
      const plain = f.mediaRecord(owner);
      await s.store.media.create(plain, null);
      expect(await s.store.media.get(plain.id)).toEqual(plain);
      expect(await s.store.media.get(f.id('media'))).toBeNull();
    });

    test('create refuses an existing id with conflict, and creates no job then', async () => {
      const owner = await f.account();
      const record = f.mediaRecord(owner);
      await s.store.media.create(record, job(record.id));
      const again = job(record.id);
      await expectCode(s.store.media.create({ ...record, size: 5 }, again), 'conflict');
      expect(await s.store.jobs.get(again.id)).toBeNull();
      expect(await s.store.media.get(record.id)).toEqual(record);
    });

    test('update sets the patched fields only and returns the record; not_found for an unknown id', async () => {
      const owner = await f.account();
      const record = f.mediaRecord(owner, { status: 'processing', thumbnail: { key: 'k/thumbnail', mime: 'image/webp', size: 1, width: 1, height: 1 } });
      await s.store.media.create(record, null);
      const poster = { key: `${record.id}/poster`, mime: 'image/jpeg', size: 77, width: 640, height: 360 };
      const patch = { status: 'ready' as const, mime: 'image/jpeg', size: 900, sha256: 'cd'.repeat(32), width: 640, height: 360, durationMs: 2500, blurhash: 'L00000', waveform: [1, 2], thumbnail: null, poster };
      const updated = await s.store.media.update(record.id, patch);
      expect(updated).toEqual({ ...record, ...patch });
      expect(await s.store.media.get(record.id)).toEqual(updated);
      expect(await s.store.media.update(record.id, {})).toEqual(updated);
      expect(await s.store.media.update(record.id, { status: 'failed', error: 'corrupt' })).toEqual({ ...updated, status: 'failed', error: 'corrupt' });
      await expectCode(s.store.media.update(f.id('media'), { status: 'ready' }), 'not_found');
      await expectCode(s.store.media.update(f.id('media'), {}), 'not_found');
    });

    test("usage sums the sizes of the account's records of every status", async () => {
      const [a, b] = await f.accounts(2);
      expect(await s.store.media.usage(a!)).toBe(0);
      await f.media(a!, { size: 100, status: 'processing' });
      await f.media(a!, { size: 2_000_000_000, status: 'ready' });
      await f.media(a!, { size: 5, status: 'failed' });
      await f.media(b!, { size: 7 });
      expect(await s.store.media.usage(a!)).toBe(2_000_000_105);
      expect(await s.store.media.usage(b!)).toBe(7);
    });
  });

  describe('media: who may read', () => {
    test('the owner; members who see a message referencing it; nobody else', async () => {
      const [a, b, c] = await f.accounts(3);
      const m = await f.media(a!);
      expect(await s.store.media.canRead(m, a!)).toBe(true);
      expect(await s.store.media.canRead(m, b!)).toBe(false);
      await f.send(await f.direct(a!, b!), a!, image(m));
      expect(await s.store.media.canRead(m, b!)).toBe(true);
      expect(await s.store.media.canRead(m, c!)).toBe(false);
      expect(await s.store.media.canRead(f.id('media'), a!)).toBe(false);
    });

    test('not a member who joined after the message, nor one who left; a later message shows it to the newcomer', async () => {
      const [a, b, c] = await f.accounts(3);
      const group = await f.group(a!, [b!]);
      const m = await f.media(a!);
      await f.send(group, a!, image(m));
      await s.store.conversations.addMembers(group, [c!], 'member', f.actor(a!), null, () => f.id('event'));
      expect(await s.store.media.canRead(m, c!)).toBe(false);
      expect(await s.store.media.canRead(m, b!)).toBe(true);
      await s.store.conversations.removeMember(group, b!, f.actor(b!), f.id('event'));
      expect(await s.store.media.canRead(m, b!)).toBe(false);
      await f.send(group, a!, { kind: 'file', mediaId: m, caption: 'again' });
      expect(await s.store.media.canRead(m, c!)).toBe(true);
    });

    test('channel subscribers see all history', async () => {
      const [a, b] = await f.accounts(2);
      const channel = await f.group(a!, [], { kind: 'channel' });
      const m = await f.media(a!);
      await f.send(channel, a!, image(m));
      await s.store.conversations.addMembers(channel, [b!], 'member', f.actor(b!), null, () => f.id('event'));
      expect(await s.store.media.canRead(m, b!)).toBe(true);
    });

    test('after the message is deleted only the owner may read it', async () => {
      const [a, b] = await f.accounts(2);
      const direct = await f.direct(a!, b!);
      const m = await f.media(a!);
      const sent = await f.send(direct, a!, image(m));
      await f.remove(direct, a!, sent.event.id);
      expect(await s.store.media.canRead(m, b!)).toBe(false);
      expect(await s.store.media.canRead(m, a!)).toBe(true);
    });

    test('any account may read a sticker that is in a pack, while it is', async () => {
      const [a, b] = await f.accounts(2);
      const m = await f.media(a!, { kind: 'sticker', mime: 'image/webp' });
      const pack = await packWith(a!, m);
      expect(await s.store.media.canRead(m, b!)).toBe(true);
      await s.store.media.removeSticker(pack, m);
      expect(await s.store.media.canRead(m, b!)).toBe(false);
    });
  });

  describe('media: message references', () => {
    test("deleting the message that referenced it releases the media at the delete's time", async () => {
      const [a, b] = await f.accounts(2);
      const direct = await f.direct(a!, b!);
      const m = await f.media(a!);
      const sent = await f.send(direct, a!, { kind: 'image', mediaId: m, caption: 'sunset', media: { mime: 'image/png', size: 1000 } });
      await f.edit(direct, a!, sent.event.id, 'edited');
      expect(await released(m)).toBeNull();
      const deleted = await f.remove(direct, a!, sent.event.id);
      expect(await released(m)).toBe(deleted.event.at);
      expect((await f.remove(direct, a!, sent.event.id)).duplicate).toBe(true);
      expect(await released(m)).toBe(deleted.event.at);
    });

    test('the media is not released while another message (a forward) still references it', async () => {
      const [a, b, c] = await f.accounts(3);
      const direct = await f.direct(a!, b!);
      const group = await f.group(b!, [c!]);
      const m = await f.media(a!);
      const first = await f.send(direct, a!, image(m));
      const forward = await f.send(group, b!, image(m));
      await f.remove(direct, a!, first.event.id);
      expect(await released(m)).toBeNull();
      expect(await s.store.media.canRead(m, c!)).toBe(true);
      expect(await s.store.media.canRead(m, b!)).toBe(true);
      const last = await f.remove(group, b!, forward.event.id);
      expect(await released(m)).toBe(last.event.at);
    });

    test('sending released media again takes the release back', async () => {
      const [a, b] = await f.accounts(2);
      const direct = await f.direct(a!, b!);
      const m = await f.media(a!);
      const sent = await f.send(direct, a!, image(m));
      await f.remove(direct, a!, sent.event.id);
      await f.send(direct, a!, image(m));
      expect(await released(m)).toBeNull();
      expect(await s.store.media.canRead(m, b!)).toBe(true);
    });
  });

  describe('media: garbage', () => {
    test('unreferenced records that are released, orphaned before the cutoff or owned by a deleted account; oldest first, up to limit', async () => {
      const [a, b, gone] = await f.accounts(3);
      const direct = await f.direct(a!, b!);
      const orphan = await f.media(a!);
      const oldSent = await f.media(a!); // referenced: never garbage
      await f.send(direct, a!, image(oldSent));
      const oldSticker = await f.media(a!, { kind: 'sticker' });
      await packWith(a!, oldSticker);
      const cutoff = f.now();
      await f.media(a!); // fresh: not orphaned yet
      const releasedOne = await f.media(a!);
      await f.remove(direct, a!, (await f.send(direct, a!, image(releasedOne))).event.id);
      const ofDeleted = await f.media(gone!);
      const ofDeletedSent = await f.media(gone!); // referenced: kept though its owner is gone
      const withGone = await f.direct(gone!, b!);
      await f.send(withGone, gone!, image(ofDeletedSent));
      await s.store.accounts.markDeleted(gone!, f.now());

      const ids = async (limit: number) => (await s.store.media.garbage({ orphanedBefore: cutoff, limit })).map((r) => r.id);
      expect(await ids(10)).toEqual([orphan, releasedOne, ofDeleted]);
      expect(await ids(2)).toEqual([orphan, releasedOne]);
      expect((await s.store.media.garbage({ orphanedBefore: cutoff, limit: 1 }))[0]).toEqual(await s.store.media.get(orphan));
      expect(await s.store.media.garbage({ orphanedBefore: 0, limit: 10 }).then((r) => r.map((x) => x.id))).toEqual([releasedOne, ofDeleted]);
    });

    test('deleteIfUnreferenced deletes only what no message and no pack references', async () => {
      const [a, b] = await f.accounts(2);
      const direct = await f.direct(a!, b!);
      const loose = await f.media(a!);
      expect(await s.store.media.deleteIfUnreferenced(loose)).toBe(true);
      expect(await s.store.media.get(loose)).toBeNull();
      expect(await s.store.media.deleteIfUnreferenced(loose)).toBe(false);

      const sent = await f.media(a!);
      const msg = await f.send(direct, a!, image(sent));
      expect(await s.store.media.deleteIfUnreferenced(sent)).toBe(false);
      expect(await s.store.media.get(sent)).not.toBeNull();
      await f.remove(direct, a!, msg.event.id);
      expect(await s.store.media.deleteIfUnreferenced(sent)).toBe(true);

      const sticker = await f.media(a!, { kind: 'sticker' });
      const pack = await packWith(a!, sticker);
      expect(await s.store.media.deleteIfUnreferenced(sticker)).toBe(false);
      await s.store.media.removeSticker(pack, sticker);
      expect(await s.store.media.deleteIfUnreferenced(sticker)).toBe(true);
    });
  });
}

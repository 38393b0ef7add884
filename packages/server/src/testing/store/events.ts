import type { ConversationId, DeviceId, MessageEvent, MessageId } from '@ottr/protocol';
import { describe, expect } from 'vitest';
import { expectCode, text, type Suite } from './fixtures.js';

export function eventTests(s: Suite): void {
  const { f, test } = s;

  async function pair() {
    const [a, b] = await f.accounts(2);
    return { a: a!, b: b!, id: await f.direct(a!, b!) };
  }

  describe('events: messages', () => {
    test('append assigns the next seq and returns the event exactly as stored', async () => {
      const { a, b, id } = await pair();
      const msgId = f.id<MessageId>('message');
      const at = f.now();
      const reply = { messageId: f.id<MessageId>('message'), seq: 1 };
      const r = await s.store.events.append({
        type: 'message', id: msgId, conversationId: id, sender: a, at, deviceId: 'dev_A' as DeviceId, clientMsgId: 'c-1',
        content: { kind: 'text', text: 'hello' }, replyTo: reply, forwarded: { messageId: reply.messageId },
      });
      const expected: MessageEvent = {
        id: msgId, conversationId: id, seq: 2, at, sender: a, type: 'message', clientMsgId: 'c-1', content: { kind: 'text', text: 'hello' },
        replyTo: reply, forwarded: { messageId: reply.messageId },
      };
      expect(r).toEqual({ event: expected, duplicate: false });
      expect(await s.store.events.get(msgId)).toEqual(expected);
      expect(await s.store.conversations.get(id)).toMatchObject({ lastSeq: 2, lastEventAt: at });
      const second = await f.send(id, b, 'hi back');
      expect(second.event.seq).toBe(3);
      expect(await s.store.events.get(f.id('message'))).toBeNull();
    });

    test('the same device and clientMsgId yields one event, sequentially and concurrently', async () => {
      const { a, id } = await pair();
      const device = 'dev_same' as DeviceId;
      const first = await f.send(id, a, 'once', { deviceId: device, clientMsgId: 'k1' });
      const again = await f.send(id, a, 'once (retry)', { deviceId: device, clientMsgId: 'k1' });
      expect(again).toEqual({ event: first.event, duplicate: true });
      const burst = await Promise.all(Array.from({ length: 10 }, () => f.send(id, a, 'burst', { deviceId: device, clientMsgId: 'k2' })));
      expect(new Set(burst.map((r) => r.event.id)).size).toBe(1);
      expect(burst.filter((r) => !r.duplicate)).toHaveLength(1);
      const otherDevice = await f.send(id, a, 'once', { deviceId: 'dev_other' as DeviceId, clientMsgId: 'k1' });
      expect(otherDevice.duplicate).toBe(false);
      expect((await f.history(id)).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    });

    test('purgeIdempotency forgets old keys only', async () => {
      const { a, id } = await pair();
      const device = 'dev_p' as DeviceId;
      const old = await f.send(id, a, 'old', { deviceId: device, clientMsgId: 'old' });
      const cut = f.now();
      await f.send(id, a, 'new', { deviceId: device, clientMsgId: 'new' });
      expect(await s.store.events.purgeIdempotency(cut)).toBe(1);
      expect((await f.send(id, a, 'new', { deviceId: device, clientMsgId: 'new' })).duplicate).toBe(true);
      const resent = await f.send(id, a, 'old', { deviceId: device, clientMsgId: 'old' });
      expect(resent.duplicate).toBe(false);
      expect(resent.event.id).not.toBe(old.event.id);
    });

    test('page returns ascending seq: latest, before, after, bounded by minSeq and maxSeq', async () => {
      const { a, id } = await pair();
      for (let i = 2; i <= 10; i++) await f.send(id, a, `m${i}`);
      const seqs = async (opts: { before?: number; after?: number; limit: number; minSeq: number; maxSeq?: number }) =>
        (await s.store.events.page(id, opts)).map((e) => e.seq);
      expect(await seqs({ limit: 3, minSeq: 1 })).toEqual([8, 9, 10]);
      expect(await seqs({ before: 8, limit: 3, minSeq: 1 })).toEqual([5, 6, 7]);
      expect(await seqs({ before: 4, limit: 5, minSeq: 2 })).toEqual([2, 3]);
      expect(await seqs({ after: 7, limit: 5, minSeq: 1 })).toEqual([8, 9, 10]);
      expect(await seqs({ after: 0, limit: 2, minSeq: 4 })).toEqual([4, 5]);
      expect(await seqs({ limit: 3, minSeq: 1, maxSeq: 6 })).toEqual([4, 5, 6]);
      expect(await seqs({ after: 5, limit: 10, minSeq: 1, maxSeq: 7 })).toEqual([6, 7]);
    });

    test('sendersBetween lists distinct other senders of messages in a seq range', async () => {
      const [a, b, c] = await f.accounts(3);
      const id = await f.group(a!, [b!, c!]);
      await f.send(id, b!, '4');
      await f.send(id, b!, '5');
      await f.send(id, a!, '6');
      await f.send(id, c!, '7');
      expect((await s.store.events.sendersBetween(id, 3, 6, a!)).sort()).toEqual([b]);
      expect((await s.store.events.sendersBetween(id, 3, 7, a!)).sort()).toEqual([b, c].sort());
      expect(await s.store.events.sendersBetween(id, 0, 3, a!)).toEqual([]);
    });

    test('a failing request in a concurrent batch fails alone; the others keep gapless seqs', async () => {
      const { a, id } = await pair();
      const gone = await f.send(id, a, 'to delete');
      await f.remove(id, a, gone.event.id);
      const results = await Promise.allSettled([
        f.send(id, a, 'one'),
        f.edit(id, a, gone.event.id, 'too late'),
        f.send(id, a, 'two'),
        f.react(id, a, f.id('message'), '👍'),
        f.send(id, a, 'three'),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
      expect(results[1]).toMatchObject({ reason: { code: 'message_deleted' } });
      expect(results[3]).toMatchObject({ reason: { code: 'not_found' } });
      expect((await f.history(id)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await s.store.conversations.get(id)).toMatchObject({ lastSeq: 6 });
    });
  });

  describe('events: edits, deletes, reactions', () => {
    test('edit makes the new content current and keeps the history', async () => {
      const { a, id } = await pair();
      const m = await f.send(id, a, 'first');
      expect(await s.store.events.edits(m.event.id)).toEqual([{ seq: 2, at: m.event.at, content: { kind: 'text', text: 'first' } }]);
      const e1 = await f.edit(id, a, m.event.id, 'second');
      const e2 = await f.edit(id, a, m.event.id, 'third');
      expect(e1.event).toEqual({ id: e1.event.id, conversationId: id, seq: 3, at: e1.event.at, sender: a, type: 'edit', messageId: m.event.id, content: { kind: 'text', text: 'second' } });
      const current = await s.store.events.get(m.event.id);
      expect(current).toEqual({ ...m.event, content: { kind: 'text', text: 'third' }, editedAt: e2.event.at });
      expect((await s.store.events.edits(m.event.id)).map((r) => [r.seq, r.content.kind === 'text' && r.content.text])).toEqual([
        [2, 'first'], [3, 'second'], [4, 'third'],
      ]);
      expect(await s.store.events.edits(f.id('message'))).toEqual([]);
    });

    test('edit, delete and reaction of an unknown message, a message of another conversation or a non-message are not_found', async () => {
      const { a, b, id } = await pair();
      const other = await f.group(a, [b]);
      const elsewhere = await f.send(other, a, 'elsewhere');
      const [system] = await f.history(id);
      for (const target of [f.id<MessageId>('message'), elsewhere.event.id, system!.id]) {
        await expectCode(f.edit(id, a, target, 'x'), 'not_found');
        await expectCode(f.remove(id, a, target), 'not_found');
        await expectCode(f.react(id, a, target, '👍'), 'not_found');
      }
      expect((await s.store.conversations.get(id))?.lastSeq).toBe(1);
    });

    test('delete leaves a tombstone and wipes content, edit history and reactions', async () => {
      const { a, b, id } = await pair();
      const m = await f.send(id, a, 'secret');
      const e = await f.edit(id, a, m.event.id, 'secret 2');
      await f.react(id, b, m.event.id, '❤️');
      const d = await f.remove(id, a, m.event.id);
      expect(d).toEqual({ event: { id: d.event.id, conversationId: id, seq: 5, at: d.event.at, sender: a, type: 'delete', messageId: m.event.id }, duplicate: false });
      const tomb = await s.store.events.get(m.event.id);
      expect(tomb).toEqual({ ...m.event, content: null, editedAt: e.event.at, deletedAt: d.event.at });
      expect(await s.store.events.get(e.event.id)).toEqual({ ...e.event, content: null });
      expect(await s.store.events.edits(m.event.id)).toEqual([]);
      const history = await f.history(id);
      expect(history.map((x) => x.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(JSON.stringify(history)).not.toContain('secret');
    });

    test('deleting again is a duplicate of the first delete; edits and reactions of a deleted message are message_deleted', async () => {
      const { a, b, id } = await pair();
      const m = await f.send(id, a, 'x');
      await f.react(id, b, m.event.id, '👍');
      const d = await f.remove(id, a, m.event.id);
      expect(await f.remove(id, a, m.event.id)).toEqual({ event: d.event, duplicate: true });
      await expectCode(f.edit(id, a, m.event.id, 'y'), 'message_deleted');
      await expectCode(f.react(id, b, m.event.id, '😀'), 'message_deleted');
      await expectCode(f.react(id, b, m.event.id, '👍', 'remove'), 'message_deleted');
      expect((await s.store.conversations.get(id))?.lastSeq).toBe(d.event.seq);
    });

    test('reactions: one per account and emoji, summarised oldest first, removable', async () => {
      const [a, b, c] = await f.accounts(3);
      const id = await f.group(a!, [b!, c!]);
      const m = await f.send(id, a!, 'vote');
      const first = await f.react(id, b!, m.event.id, '👍');
      expect(first.event).toEqual({ id: first.event.id, conversationId: id, seq: first.event.seq, at: first.event.at, sender: b, type: 'reaction', messageId: m.event.id, emoji: '👍', action: 'add' });
      expect(await f.react(id, b!, m.event.id, '👍')).toEqual({ event: first.event, duplicate: true });
      await f.react(id, c!, m.event.id, '😂');
      await f.react(id, a!, m.event.id, '👍');
      expect((await s.store.events.get(m.event.id)) as MessageEvent).toMatchObject({
        reactions: [{ emoji: '👍', count: 2, accountIds: [b, a] }, { emoji: '😂', count: 1, accountIds: [c] }],
      });
      const removed = await f.react(id, b!, m.event.id, '👍', 'remove');
      expect(removed).toMatchObject({ duplicate: false, event: { action: 'remove', emoji: '👍', sender: b } });
      await expectCode(f.react(id, b!, m.event.id, '👍', 'remove'), 'not_found');
      await f.react(id, c!, m.event.id, '😂', 'remove');
      const after = (await s.store.events.get(m.event.id)) as MessageEvent;
      expect(after.reactions).toEqual([{ emoji: '👍', count: 1, accountIds: [a] }]);
      await f.react(id, a!, m.event.id, '👍', 'remove');
      expect('reactions' in ((await s.store.events.get(m.event.id)) as MessageEvent)).toBe(false);
    });

    test('a reaction summary lists at most 50 accounts but counts all', async () => {
      const owner = await f.account();
      const fans = await f.accounts(52);
      const id: ConversationId = await f.group(owner, fans);
      const m = await f.send(id, owner, 'popular');
      await Promise.all(fans.map((x) => f.react(id, x, m.event.id, '🔥')));
      const e = (await s.store.events.get(m.event.id)) as MessageEvent;
      expect(e.reactions).toHaveLength(1);
      expect(e.reactions![0]!.count).toBe(52);
      expect(e.reactions![0]!.accountIds).toHaveLength(50);
      const bySeq = (await f.history(id)).filter((x) => x.type === 'reaction').map((x) => x.sender);
      expect(e.reactions![0]!.accountIds).toEqual(bySeq.slice(0, 50));
      expect(text((await f.history(id)).find((x) => x.id === m.event.id))).toBe('popular');
    });
  });
}

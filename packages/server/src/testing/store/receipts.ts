import { describe, expect } from 'vitest';
import { expectCode, type Suite } from './fixtures.js';

export function receiptTests(s: Suite): void {
  const { f, test } = s;

  describe('receipts', () => {
    test('pointers only move forward, never past lastSeq, and read raises delivered', async () => {
      const [a, b] = await f.accounts(2);
      const id = await f.direct(a!, b!);
      for (let i = 0; i < 5; i++) await f.send(id, a!, `m${i}`);
      const c = s.store.conversations;
      const d1 = await c.moveReceipt(id, b!, 'delivered', 3, [a!]);
      expect(d1).toMatchObject({ moved: true, before: { readSeq: 0, deliveredSeq: 0 }, after: { readSeq: 0, deliveredSeq: 3 } });
      const r1 = await c.moveReceipt(id, b!, 'read', 4, [a!]);
      expect(r1).toMatchObject({ moved: true, after: { readSeq: 4, deliveredSeq: 4 } });
      expect(await c.moveReceipt(id, b!, 'read', 2, [a!])).toMatchObject({ moved: false, after: { readSeq: 4, deliveredSeq: 4 } });
      expect(await c.moveReceipt(id, b!, 'delivered', 4, [a!])).toMatchObject({ moved: false });
      expect(await c.moveReceipt(id, b!, 'read', 1000, [a!])).toMatchObject({ moved: true, after: { readSeq: 6, deliveredSeq: 6 } });
      expect(await c.getMembership(id, b!)).toMatchObject({ readSeq: 6, deliveredSeq: 6 });
      expect(await c.getMembership(id, a!)).toMatchObject({ readSeq: 0, deliveredSeq: 0 });
      await expectCode(c.moveReceipt(id, await f.account(), 'read', 1, []), 'not_member');
    });

    test('a delivered receipt does not move read', async () => {
      const [a, b] = await f.accounts(2);
      const id = await f.direct(a!, b!);
      await f.send(id, a!, 'x');
      const r = await s.store.conversations.moveReceipt(id, b!, 'delivered', 2, []);
      expect(r.after).toMatchObject({ readSeq: 0, deliveredSeq: 2 });
    });

    test('receiptsAt counts the recipients, delivered and read of a message', async () => {
      const [author, a, b, c, late] = await f.accounts(5);
      const id = await f.group(author!, [a!, b!, c!]);
      const msg = await f.send(id, author!, 'question');
      const seq = msg.event.seq;
      await f.send(id, a!, 'answer');
      await s.store.conversations.addMembers(id, [late!], 'member', f.actor(author!), null, () => f.id('event'));
      await s.store.conversations.moveReceipt(id, a!, 'read', seq + 1, [author!]);
      await s.store.conversations.moveReceipt(id, b!, 'delivered', seq, [author!]);
      await s.store.conversations.moveReceipt(id, late!, 'read', seq + 2, [author!]);
      const r = await s.store.conversations.receiptsAt(id, seq, author!, 10);
      expect({ ...r, readBy: r.readBy, deliveredTo: [...r.deliveredTo].sort() }).toEqual({
        recipients: 3, delivered: 2, read: 1, readBy: [a], deliveredTo: [a, b].sort(),
      });
      expect((await s.store.conversations.receiptsAt(id, seq, author!, 1)).deliveredTo).toHaveLength(1);
      await s.store.conversations.removeMember(id, a!, f.actor(a!), f.id('event'));
      expect(await s.store.conversations.receiptsAt(id, seq, author!, 10)).toMatchObject({ recipients: 2, delivered: 1, read: 0 });
    });
  });
}

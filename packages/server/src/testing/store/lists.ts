import { ConversationListItemSchema, type AccountId, type ConversationId } from '@ottr/protocol';
import { describe, expect } from 'vitest';
import type { MembershipView } from '../../ports/index.js';
import { expectCode, expectWire, type Suite } from './fixtures.js';

export function listTests(s: Suite): void {
  const { f, test } = s;

  async function listAll(accountId: AccountId, archived: boolean, limit: number): Promise<MembershipView[]> {
    const out: MembershipView[] = [];
    let cursor: string | undefined;
    do {
      const page = await s.store.conversations.listForAccount(accountId, { archived, limit, ...(cursor !== undefined && { cursor }) });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      for (const item of page.items) expectWire(ConversationListItemSchema, item);
      out.push(...page.items);
      cursor = page.next ?? undefined;
    } while (cursor !== undefined);
    return out;
  }

  describe('conversation lists', () => {
    test('listForAccount: pinned first, then latest activity first, paged without loss or repeat', async () => {
      const me = await f.account();
      const others = await f.accounts(5);
      const ids: ConversationId[] = [];
      for (const o of others) ids.push(await f.direct(me, o));
      // Activity order (oldest → newest): 3, 0, 4, 1; 2 only has its creation (older than all).
      for (const i of [3, 0, 4, 1]) await f.send(ids[i]!, others[i]!, `hi ${i}`);
      await s.store.conversations.updateMembership(ids[2]!, me, { pinned: true });
      const list = await listAll(me, false, 2);
      expect(list.map((v) => v.conversation.id)).toEqual([ids[2], ids[1], ids[4], ids[0], ids[3]]);
      expect(list[1]).toMatchObject({ unreadCount: 1, membership: { accountId: me, pinned: false }, lastEvent: { type: 'message', sender: others[1] } });
      expect(list[0]?.membership.pinned).toBe(true);
    });

    test('listForAccount separates archived conversations and leaves out ended ones', async () => {
      const [me, a, b, c] = await f.accounts(4);
      const d1 = await f.direct(me!, a!);
      const d2 = await f.direct(me!, b!);
      const g = await f.group(c!, [me!]);
      await s.store.conversations.updateMembership(d2, me!, { archived: true });
      await s.store.conversations.removeMember(g, me!, f.actor(me!), f.id('event'));
      expect((await listAll(me!, false, 10)).map((v) => v.conversation.id)).toEqual([d1]);
      expect((await listAll(me!, true, 10)).map((v) => v.conversation.id)).toEqual([d2]);
    });

    test('listForAccount rejects malformed cursors with invalid_cursor', async () => {
      const me = await f.account();
      for (const cursor of ['%%%', 'eyJ4IjoxfQ', Buffer.from('[1,2]').toString('base64url'), '']) {
        await expectCode(s.store.conversations.listForAccount(me, { archived: false, limit: 5, cursor }), 'invalid_cursor');
      }
    });
  });
}

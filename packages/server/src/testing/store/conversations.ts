import type { ConversationId, EventId } from '@ottr/protocol';
import { describe, expect } from 'vitest';
import { expectCode, type Suite } from './fixtures.js';

export function conversationTests(s: Suite): void {
  const { f, test } = s;

  describe('conversations', () => {
    test('getOrCreateDirect creates one conversation per pair, in either order', async () => {
      const [a, b] = await f.accounts(2);
      const id = f.id<ConversationId>('conversation');
      const eventId = f.id<EventId>('event');
      const at = f.now();
      const first = await s.store.conversations.getOrCreateDirect(b!, a!, id, eventId, at);
      expect(first).toEqual({
        created: true,
        conversation: { id, kind: 'direct', title: null, description: null, participants: [a, b].sort(), createdAt: at, lastSeq: 1, lastEventAt: at, memberCount: 2 },
      });
      expect(await f.history(id)).toEqual([{ id: eventId, conversationId: id, seq: 1, at, sender: b, type: 'conversation_created', kind: 'direct' }]);
      const second = await s.store.conversations.getOrCreateDirect(a!, b!, f.id('conversation'), f.id('event'), f.now());
      expect(second).toEqual({ created: false, conversation: first.conversation });
      for (const m of [a!, b!]) {
        expect(await s.store.conversations.getMembership(id, m)).toMatchObject({ role: 'member', status: 'active', joinedSeq: 1, readSeq: 0, deliveredSeq: 0 });
      }
    });

    test('getOrCreateDirect creates exactly one conversation under concurrent calls', async () => {
      const [a, b] = await f.accounts(2);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => s.store.conversations.getOrCreateDirect(i % 2 ? a! : b!, i % 2 ? b! : a!, f.id('conversation'), f.id('event'), f.now())),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.conversation.id)).size).toBe(1);
      const id = results[0]!.conversation.id;
      expect(await f.history(id)).toHaveLength(1);
      expect(await s.store.conversations.activeMemberIds(id)).toHaveLength(2);
    });

    test('createGroup records the owner, members and one event each', async () => {
      const [owner, m1, m2] = await f.accounts(3);
      const id = f.id<ConversationId>('conversation');
      const ids = [f.id<EventId>('event'), f.id<EventId>('event'), f.id<EventId>('event')];
      const at = f.now();
      const r = await s.store.conversations.createGroup({
        id, kind: 'group', title: 'Climbing', description: 'Sundays', owner: { accountId: owner!, at }, members: [m1!, m2!, m1!, owner!], cap: 10,
        newEventId: () => ids.shift()!,
      });
      expect(r.conversation).toEqual({ id, kind: 'group', title: 'Climbing', description: 'Sundays', participants: [], createdAt: at, lastSeq: 3, lastEventAt: at, memberCount: 3 });
      expect(r.events.map((e) => [e.seq, e.type, 'accountId' in e ? e.accountId : null])).toEqual([
        [1, 'conversation_created', null],
        [2, 'member_added', m1],
        [3, 'member_added', m2],
      ]);
      expect(r.events[0]).toEqual({ id: r.events[0]!.id, conversationId: id, seq: 1, at, sender: owner, type: 'conversation_created', kind: 'group', title: 'Climbing' });
      expect(await f.history(id)).toEqual(r.events);
      expect(await s.store.conversations.getMembership(id, owner!)).toMatchObject({ role: 'owner', status: 'active' });
      // Initial members joined with the conversation: they see it from its creation.
      expect(await s.store.conversations.getMembership(id, m2!)).toMatchObject({ role: 'member', status: 'active', joinedSeq: 1 });
      expect((await s.store.conversations.activeMemberIds(id)).sort()).toEqual([owner, m1, m2].sort());
    });

    test('createGroup past the cap is group_full and creates nothing', async () => {
      const [owner, m1, m2] = await f.accounts(3);
      const id = f.id<ConversationId>('conversation');
      await expectCode(
        s.store.conversations.createGroup({ id, kind: 'group', title: 'T', description: null, owner: f.actor(owner!), members: [m1!, m2!], cap: 2, newEventId: () => f.id('event') }),
        'group_full',
      );
      expect(await s.store.conversations.get(id)).toBeNull();
      expect(await s.store.conversations.getMembership(id, owner!)).toBeNull();
    });

    test('channel subscribers see all history (joinedSeq 1)', async () => {
      const [owner, sub, late] = await f.accounts(3);
      const id = await f.group(owner!, [sub!], { kind: 'channel' });
      await f.send(id, owner!, 'news');
      await s.store.conversations.addMembers(id, [late!], 'member', f.actor(late!), null, () => f.id('event'));
      expect((await s.store.conversations.getMembership(id, sub!))?.joinedSeq).toBe(1);
      expect((await s.store.conversations.getMembership(id, late!))?.joinedSeq).toBe(1);
    });

    test('updateInfo appends an event per changed field only', async () => {
      const [owner] = await f.accounts(1);
      const id = await f.group(owner!, []);
      expect(await s.store.conversations.updateInfo(id, { title: 'Team' }, f.actor(owner!), () => f.id('event'))).toEqual([]);
      const events = await s.store.conversations.updateInfo(id, { title: 'New', description: 'About' }, f.actor(owner!), () => f.id('event'));
      expect(events.map((e) => e.type)).toEqual(['title_changed', 'description_changed']);
      expect(events[0]).toMatchObject({ seq: 2, title: 'New', sender: owner });
      expect(events[1]).toMatchObject({ seq: 3, description: 'About' });
      expect(await s.store.conversations.get(id)).toMatchObject({ title: 'New', description: 'About', lastSeq: 3 });
      expect(await s.store.conversations.updateInfo(id, { title: 'New' }, f.actor(owner!), () => f.id('event'))).toEqual([]);
    });

    test('relation tells direct and group contacts apart; channels do not count', async () => {
      const [a, b, c, d] = await f.accounts(4);
      await f.direct(a!, b!);
      await f.group(a!, [c!]);
      await f.group(a!, [d!], { kind: 'channel' });
      expect(await s.store.conversations.relation(a!, b!)).toEqual({ direct: true, group: false });
      expect(await s.store.conversations.relation(c!, a!)).toEqual({ direct: false, group: true });
      expect(await s.store.conversations.relation(a!, d!)).toEqual({ direct: false, group: false });
      const g = await f.group(b!, [a!]);
      await s.store.conversations.removeMember(g, a!, f.actor(a!), f.id('event'));
      expect(await s.store.conversations.relation(a!, b!)).toEqual({ direct: true, group: false });
    });
  });
}

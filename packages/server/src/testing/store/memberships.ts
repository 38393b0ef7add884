import type { MessageId } from '@ottr/protocol';
import { describe, expect } from 'vitest';
import { expectCode, text, type Suite } from './fixtures.js';

export function membershipTests(s: Suite): void {
  const { f, test } = s;
  const newEventId = () => f.id<MessageId>('event');

  describe('memberships', () => {
    test('addMembers adds with member_added, or member_joined when joining oneself, skipping active members', async () => {
      const [owner, a, b] = await f.accounts(3);
      const id = await f.group(owner!, [a!]);
      const events = await s.store.conversations.addMembers(id, [a!, b!, b!], 'admin', f.actor(owner!), null, newEventId);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'member_added', seq: 3, accountId: b, role: 'admin', sender: owner });
      const c = await f.account();
      const joined = await s.store.conversations.addMembers(id, [c], 'member', f.actor(c), null, newEventId);
      expect(joined[0]).toMatchObject({ type: 'member_joined', seq: 4, accountId: c, role: 'member', sender: c });
      expect(await s.store.conversations.getMembership(id, b!)).toMatchObject({ role: 'admin', status: 'active', joinedSeq: 3 });
      expect((await s.store.conversations.get(id))?.memberCount).toBe(4);
      expect(await s.store.conversations.addMembers(id, [a!], 'member', f.actor(owner!), null, newEventId)).toEqual([]);
    });

    test('access reads the conversation and the membership together, exactly as get and getMembership do', async () => {
      const [owner, a, b, stranger] = await f.accounts(4);
      const id = await f.group(owner!, [a!, b!]);
      await f.send(id, owner!, 'hello');
      await s.store.conversations.removeMember(id, b!, f.actor(owner!), f.id('event'));
      for (const who of [owner!, a!, b!]) {
        expect(await s.store.conversations.access(id, who)).toEqual({
          conversation: await s.store.conversations.get(id),
          membership: await s.store.conversations.getMembership(id, who),
        });
      }
      expect((await s.store.conversations.access(id, b!))?.membership).toMatchObject({ status: 'removed' });
      expect(await s.store.conversations.access(id, stranger!)).toEqual({ conversation: await s.store.conversations.get(id), membership: null });
      expect(await s.store.conversations.access(f.id('conversation'), owner!)).toBeNull();
    });

    test('addMembers enforces the cap on active members only', async () => {
      const [owner, a, b, c] = await f.accounts(4);
      const id = await f.group(owner!, [a!], { cap: 3 });
      await expectCode(s.store.conversations.addMembers(id, [b!, c!], 'member', f.actor(owner!), 3, newEventId), 'group_full');
      expect(await s.store.conversations.getMembership(id, b!)).toBeNull();
      expect((await s.store.conversations.get(id))?.lastSeq).toBe(2);
      await s.store.conversations.removeMember(id, a!, f.actor(a!), f.id('event'));
      await s.store.conversations.addMembers(id, [b!, c!], 'member', f.actor(owner!), 3, newEventId);
      expect((await s.store.conversations.get(id))?.memberCount).toBe(3);
    });

    test('removeMember ends a membership with member_left or member_removed; not_member otherwise', async () => {
      const [owner, a, b] = await f.accounts(3);
      const id = await f.group(owner!, [a!, b!]);
      const left = await s.store.conversations.removeMember(id, a!, f.actor(a!), f.id('event'));
      expect(left).toMatchObject({ type: 'member_left', accountId: a, sender: a, seq: 4 });
      const removed = await s.store.conversations.removeMember(id, b!, f.actor(owner!), f.id('event'));
      expect(removed).toMatchObject({ type: 'member_removed', accountId: b, sender: owner, seq: 5 });
      expect(await s.store.conversations.getMembership(id, a!)).toMatchObject({ status: 'left' });
      expect(await s.store.conversations.getMembership(id, b!)).toMatchObject({ status: 'removed' });
      expect(await s.store.conversations.activeMemberIds(id)).toEqual([owner]);
      expect((await s.store.conversations.get(id))?.memberCount).toBe(1);
      await expectCode(s.store.conversations.removeMember(id, a!, f.actor(a!), f.id('event')), 'not_member');
      await expectCode(s.store.conversations.removeMember(id, await f.account(), f.actor(owner!), f.id('event')), 'not_member');
    });

    test('a former member re-added sees only events from its new join on', async () => {
      const [owner, a] = await f.accounts(2);
      const id = await f.group(owner!, [a!]);
      await f.send(id, owner!, 'before leaving');
      await s.store.conversations.removeMember(id, a!, f.actor(owner!), f.id('event'));
      await f.send(id, owner!, 'while away');
      const [added] = await s.store.conversations.addMembers(id, [a!], 'member', f.actor(owner!), null, newEventId);
      await f.send(id, owner!, 'after return');
      const m = await s.store.conversations.getMembership(id, a!);
      expect(m).toMatchObject({ status: 'active', joinedSeq: added!.seq, role: 'member' });
      const view = await s.store.conversations.view(id, a!);
      expect(view?.unreadCount).toBe(1);
      expect(text(view?.lastEvent)).toBe('after return');
      const { entries } = await f.syncAll(a!, null);
      expect(entries.map((e) => e.membership.joinedSeq)).toEqual([added!.seq]);
    });

    test('setRole appends role_changed; not_member for non-members', async () => {
      const [owner, a] = await f.accounts(2);
      const id = await f.group(owner!, [a!]);
      const e = await s.store.conversations.setRole(id, a!, 'admin', f.actor(owner!), f.id('event'));
      expect(e).toMatchObject({ type: 'role_changed', accountId: a, role: 'admin', seq: 3 });
      expect((await s.store.conversations.getMembership(id, a!))?.role).toBe('admin');
      await expectCode(s.store.conversations.setRole(id, await f.account(), 'admin', f.actor(owner!), f.id('event')), 'not_member');
    });

    test('updateMembership changes own mute, archive and pin; not_member for non-members', async () => {
      const [owner, a] = await f.accounts(2);
      const id = await f.group(owner!, [a!]);
      const m = await s.store.conversations.updateMembership(id, a!, { muteUntil: 99, archived: true, pinned: true });
      expect(m).toMatchObject({ muteUntil: 99, archived: true, pinned: true, status: 'active' });
      expect(await s.store.conversations.updateMembership(id, a!, { muteUntil: null, pinned: false })).toMatchObject({ muteUntil: null, archived: true, pinned: false });
      expect(await s.store.conversations.getMembership(id, owner!)).toMatchObject({ muteUntil: null, archived: false, pinned: false });
      await expectCode(s.store.conversations.updateMembership(id, await f.account(), { pinned: true }), 'not_member');
    });

    test('view shows unread messages by others and the last event the member may see', async () => {
      const [owner, a] = await f.accounts(2);
      const id = await f.group(owner!, [a!]);
      const m1 = await f.send(id, owner!, 'one');
      await f.send(id, owner!, 'two');
      await f.send(id, a!, 'mine');
      await f.remove(id, owner!, m1.event.id);
      const view = await s.store.conversations.view(id, a!);
      expect(view?.unreadCount).toBe(1);
      expect(view?.lastEvent).toMatchObject({ type: 'delete', messageId: m1.event.id });
      expect(view?.conversation.id).toBe(id);
      await s.store.conversations.moveReceipt(id, a!, 'read', 4, []);
      expect((await s.store.conversations.view(id, a!))?.unreadCount).toBe(0);
      await s.store.conversations.removeMember(id, a!, f.actor(owner!), f.id('event'));
      const after = await f.send(id, owner!, 'after removal');
      const ended = await s.store.conversations.view(id, a!);
      expect(ended?.membership.status).toBe('removed');
      expect(ended?.lastEvent).toMatchObject({ type: 'member_removed', accountId: a });
      expect(ended?.lastEvent?.seq).toBe(after.event.seq - 1);
      expect(await s.store.conversations.view(id, await f.account())).toBeNull();
    });

    test('listMembers pages active members oldest first; bad cursors are invalid_cursor', async () => {
      const [owner, ...rest] = await f.accounts(6);
      const id = await f.group(owner!, rest.slice(0, 3));
      await s.store.conversations.addMembers(id, rest.slice(3), 'member', f.actor(owner!), null, newEventId);
      await s.store.conversations.removeMember(id, rest[1]!, f.actor(owner!), f.id('event'));
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await s.store.conversations.listMembers(id, { limit: 2, ...(cursor !== undefined && { cursor }) });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((m) => m.accountId));
        cursor = page.next ?? undefined;
      } while (cursor !== undefined);
      expect(seen).toEqual([owner, rest[0], rest[2], rest[3], rest[4]]);
      await expectCode(s.store.conversations.listMembers(id, { limit: 2, cursor: 'garbage!' }), 'invalid_cursor');
    });
  });
}

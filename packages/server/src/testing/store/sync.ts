import type { AccountId, ConversationId } from '@ottr/protocol';
import { describe, expect } from 'vitest';
import type { AppendResult, SyncEntryRecord } from '../../ports/index.js';
import { expectCode, text, type Suite } from './fixtures.js';

/** Per conversation, the seqs of the events in sync entries. */
function seqsByConversation(entries: readonly SyncEntryRecord[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const e of entries) {
    const seqs = e.events.map((x) => x.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    out.set(e.conversation.id, [...new Set([...(out.get(e.conversation.id) ?? []), ...seqs])].sort((x, y) => x - y));
  }
  return out;
}

export function syncTests(s: Suite): void {
  const { f, test } = s;
  const caughtUp = async (accountId: AccountId) => (await f.syncAll(accountId, null)).cursor;

  describe('sync: snapshot', () => {
    test('a null cursor gives every active membership in its current state, without events', async () => {
      const [me, a, b, c] = await f.accounts(4);
      const d1 = await f.direct(me!, a!);
      const g = await f.group(b!, [me!]);
      const gone = await f.group(c!, [me!]);
      await f.send(d1, a!, 'hello');
      await s.store.conversations.removeMember(gone, me!, f.actor(me!), f.id('event'));
      const page = await s.store.sync.page(me!, null, 10);
      expect(page.hasMore).toBe(false);
      expect(page.entries.map((e) => e.conversation.id).sort()).toEqual([d1, g].sort());
      for (const e of page.entries) expect(e).toMatchObject({ events: [], receipts: [], partial: false, membership: { accountId: me, status: 'active' } });
      const direct = page.entries.find((e) => e.conversation.id === d1)!;
      expect(direct.unreadCount).toBe(1);
      expect(text(direct.lastEvent)).toBe('hello');
      const again = await s.store.sync.page(me!, page.cursor, 10);
      expect(again).toMatchObject({ entries: [], hasMore: false });
    });

    test('a snapshot paged with a small limit lists every conversation; changes while paging are not lost', async () => {
      const me = await f.account();
      const others = await f.accounts(7);
      const ids: ConversationId[] = [];
      for (const o of others.slice(0, 6)) ids.push(await f.direct(me, o));
      const g = await f.group(others[6]!, [me]);
      const first = await s.store.sync.page(me, null, 2);
      expect(first.entries).toHaveLength(2);
      expect(first.hasMore).toBe(true);
      const listed = first.entries.map((e) => e.conversation.id);
      // While paging: the member is removed from one conversation and gets a message in another.
      await s.store.conversations.removeMember(g, me, f.actor(others[6]!), f.id('event'));
      const late = await f.send(listed[0] as ConversationId, others[0]!, 'while paging');
      const rest = await f.syncAll(me, first.cursor, 2);
      const all = [...first.entries, ...rest.entries];
      expect(new Set(all.map((e) => e.conversation.id))).toEqual(new Set([...ids, g]));
      const lastOf = (id: string) => all.filter((e) => e.conversation.id === id).at(-1)!;
      expect(lastOf(g).membership.status).toBe('removed');
      if (listed[0] !== g) expect(lastOf(listed[0]!).conversation.lastSeq).toBe(late.event.seq);
      expect(await s.store.sync.page(me, rest.cursor, 2)).toMatchObject({ entries: [], hasMore: false });
    });
  });

  describe('sync: changes', () => {
    test('after catching up, a new message gives exactly that conversation and event', async () => {
      const [me, a, b] = await f.accounts(3);
      const d1 = await f.direct(me!, a!);
      await f.direct(me!, b!);
      const cursor = await caughtUp(me!);
      const m = await f.send(d1, a!, 'new');
      const page = await s.store.sync.page(me!, cursor, 100);
      expect(page.hasMore).toBe(false);
      expect(page.entries).toHaveLength(1);
      expect(page.entries[0]).toMatchObject({ conversation: { id: d1, lastSeq: m.event.seq }, unreadCount: 1, partial: false, receipts: [] });
      expect(page.entries[0]!.events).toEqual([m.event]);
      expect(await s.store.sync.page(me!, page.cursor, 100)).toMatchObject({ entries: [], hasMore: false });
    });

    test('edits, deletes and reactions come as events, messages in their current state', async () => {
      const [me, a] = await f.accounts(2);
      const id = await f.direct(me!, a!);
      const old = await f.send(id, a!, 'old');
      const cursor = await caughtUp(me!);
      const edit = await f.edit(id, a!, old.event.id, 'old, edited');
      const react = await f.react(id, a!, old.event.id, '👀');
      const doomed = await f.send(id, a!, 'oops');
      const del = await f.remove(id, a!, doomed.event.id);
      const { entries } = await f.syncAll(me!, cursor);
      expect(entries).toHaveLength(1);
      const events = entries[0]!.events;
      expect(events.map((e) => e.type)).toEqual(['edit', 'reaction', 'message', 'delete']);
      expect(events[0]).toEqual(edit.event);
      expect(events[1]).toEqual(react.event);
      expect(events[2]).toMatchObject({ id: doomed.event.id, content: null, deletedAt: del.event.at });
      expect(events[3]).toEqual(del.event);
    });

    test("other members' receipts come with the conversation; channels show them to admins only", async () => {
      const [me, a] = await f.accounts(2);
      const id = await f.direct(me!, a!);
      const m = await f.send(id, me!, 'read me');
      const mine = await caughtUp(me!);
      const theirs = await caughtUp(a!);
      await s.store.conversations.moveReceipt(id, a!, 'read', m.event.seq, [me!]);
      const page = await s.store.sync.page(me!, mine, 100);
      expect(page.entries).toHaveLength(1);
      expect(page.entries[0]).toMatchObject({ events: [], receipts: [{ accountId: a, readSeq: m.event.seq, deliveredSeq: m.event.seq }] });
      const own = await s.store.sync.page(a!, theirs, 100);
      expect(own.entries[0]).toMatchObject({ receipts: [], membership: { readSeq: m.event.seq }, unreadCount: 0 });

      const [owner, sub1, sub2] = await f.accounts(3);
      const ch = await f.group(owner!, [sub1!, sub2!], { kind: 'channel' });
      const post = await f.send(ch, owner!, 'post');
      const ownerCursor = await caughtUp(owner!);
      const subCursor = await caughtUp(sub2!);
      await s.store.conversations.moveReceipt(ch, sub1!, 'read', post.event.seq, [owner!]);
      await f.send(ch, owner!, 'second post');
      const ownerPage = await s.store.sync.page(owner!, ownerCursor, 100);
      expect(ownerPage.entries[0]!.receipts).toEqual([{ accountId: sub1, readSeq: post.event.seq, deliveredSeq: post.event.seq }]);
      const subPage = await s.store.sync.page(sub2!, subCursor, 100);
      expect(subPage.entries[0]).toMatchObject({ receipts: [], events: [{ type: 'message' }] });
    });

    test('own settings and being added come as membership changes, with history only from joinedSeq', async () => {
      const [me, a, owner] = await f.accounts(3);
      const d = await f.direct(me!, a!);
      const g = await f.group(owner!, []);
      await f.send(g, owner!, 'before me');
      const cursor = await caughtUp(me!);
      await s.store.conversations.updateMembership(d, me!, { pinned: true, muteUntil: 5 });
      const [added] = await s.store.conversations.addMembers(g, [me!], 'member', f.actor(owner!), null, () => f.id('event'));
      const after = await f.send(g, owner!, 'after me');
      const { entries } = await f.syncAll(me!, cursor);
      const direct = entries.find((e) => e.conversation.id === d)!;
      expect(direct).toMatchObject({ events: [], membership: { pinned: true, muteUntil: 5 } });
      const group = entries.find((e) => e.conversation.id === g)!;
      expect(group.membership).toMatchObject({ status: 'active', joinedSeq: added!.seq });
      expect(group.events.map((e) => e.id)).toEqual([added!.id, after.event.id]);
    });

    test('a new group reaches its initial members with its creation and every member_added', async () => {
      const [owner, a, b] = await f.accounts(3);
      const cursor = await caughtUp(b!);
      const id = f.id<ConversationId>('conversation');
      const { events } = await s.store.conversations.createGroup({
        id, kind: 'group', title: 'New', description: null, owner: f.actor(owner!), members: [a!, b!], cap: null, newEventId: () => f.id('event'),
      });
      const { entries } = await f.syncAll(b!, cursor);
      expect(entries.map((e) => e.conversation.id)).toEqual([id]);
      expect(entries[0]!.events).toEqual(events);
    });

    test('a removed member gets its removal and nothing after it', async () => {
      const [owner, me] = await f.accounts(2);
      const g = await f.group(owner!, [me!]);
      const cursor = await caughtUp(me!);
      const before = await f.send(g, owner!, 'last one you see');
      const removal = await s.store.conversations.removeMember(g, me!, f.actor(owner!), f.id('event'));
      await f.send(g, owner!, 'secret after removal');
      const { entries, cursor: next } = await f.syncAll(me!, cursor);
      expect(entries).toHaveLength(1);
      expect(entries[0]!.membership.status).toBe('removed');
      expect(entries[0]!.events.map((e) => e.id)).toEqual([before.event.id, removal.id]);
      expect(entries[0]!.lastEvent?.id).toBe(removal.id);
      await f.send(g, owner!, 'another secret');
      expect(await s.store.sync.page(me!, next, 100)).toMatchObject({ entries: [], hasMore: false });
    });

    test('conversations come in the order they changed', async () => {
      const [me, a, b] = await f.accounts(3);
      const da = await f.direct(me!, a!);
      const db = await f.direct(me!, b!);
      const cursor = await caughtUp(me!);
      await f.send(da, a!, '1');
      await f.send(db, b!, '2');
      await f.send(da, a!, '3');
      const page = await s.store.sync.page(me!, cursor, 100);
      expect(page.entries.map((e) => e.conversation.id)).toEqual([db, da]);
      expect(page.entries[1]!.events.map((e) => text(e))).toEqual(['1', '3']);
    });
  });

  describe('sync: paging', () => {
    test('a small limit pages across many conversations: at most `limit` events per page, all delivered', async () => {
      const me = await f.account();
      const others = await f.accounts(12);
      const ids: ConversationId[] = [];
      for (const o of others) ids.push(await f.direct(me, o));
      const cursor = await caughtUp(me);
      const written = new Map<string, number[]>();
      for (let round = 0; round < 3; round++) {
        for (const [i, id] of ids.entries()) {
          const r = await f.send(id, others[i]!, `r${round}`);
          written.set(id, [...(written.get(id) ?? []), r.event.seq]);
        }
      }
      let c = cursor;
      const entries: SyncEntryRecord[] = [];
      for (let pages = 0; ; pages++) {
        expect(pages).toBeLessThan(100);
        const page = await s.store.sync.page(me, c, 4);
        expect(page.entries.reduce((n, e) => n + e.events.length, 0)).toBeLessThanOrEqual(4);
        entries.push(...page.entries);
        c = page.cursor;
        if (!page.hasMore) break;
      }
      expect(seqsByConversation(entries)).toEqual(written);
    });

    test('a long conversation is cut short (partial) and continues in the next pages', async () => {
      const [me, a] = await f.accounts(2);
      const id = await f.direct(me!, a!);
      const cursor = await caughtUp(me!);
      for (let i = 0; i < 25; i++) await f.send(id, a!, `m${i}`);
      const p1 = await s.store.sync.page(me!, cursor, 10);
      expect(p1).toMatchObject({ hasMore: true, entries: [{ partial: true }] });
      expect(p1.entries[0]!.events.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      const p2 = await s.store.sync.page(me!, p1.cursor, 10);
      expect(p2).toMatchObject({ hasMore: true, entries: [{ partial: true }] });
      expect(p2.entries[0]!.events.map((e) => e.seq)).toEqual([12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
      const p3 = await s.store.sync.page(me!, p2.cursor, 10);
      expect(p3).toMatchObject({ hasMore: false, entries: [{ partial: false }] });
      expect(p3.entries[0]!.events.map((e) => e.seq)).toEqual([22, 23, 24, 25, 26]);
    });

    test('writes between pages lose nothing: every event written after the cursor arrives', async () => {
      const me = await f.account();
      const others = await f.accounts(5);
      const ids: ConversationId[] = [];
      for (const o of others) ids.push(await f.direct(me, o));
      const start = await caughtUp(me);
      const written = new Map<string, number[]>();
      const record = (r: AppendResult) => written.set(r.event.conversationId, [...(written.get(r.event.conversationId) ?? []), r.event.seq]);
      const messages: AppendResult[] = [];
      const burst = async (i: number, n: number) => {
        for (let k = 0; k < n; k++) {
          const r = await f.send(ids[i]!, others[i]!, `c${i} m${k}`);
          record(r);
          messages.push(r);
        }
      };
      await burst(0, 30);
      for (let i = 1; i < 5; i++) await burst(i, 3);
      let cursor = start;
      const entries: SyncEntryRecord[] = [];
      for (let pages = 0; ; pages++) {
        expect(pages).toBeLessThan(200);
        const page = await s.store.sync.page(me, cursor, 7);
        entries.push(...page.entries);
        cursor = page.cursor;
        if (!page.hasMore) break;
        if (pages < 12) {
          await burst(pages % 5, 2);
          const target = messages[pages]!;
          record(await f.react(target.event.conversationId, others[ids.indexOf(target.event.conversationId)]!, target.event.id, '👍'));
          await s.store.conversations.moveReceipt(ids[(pages + 2) % 5]!, others[(pages + 2) % 5]!, 'read', 1000, [me]);
        }
      }
      expect(seqsByConversation(entries)).toEqual(new Map([...written].map(([k, v]) => [k, [...v].sort((x, y) => x - y)])));
      expect(await s.store.sync.page(me, cursor, 7)).toMatchObject({ entries: [], hasMore: false });
      const late = await f.send(ids[3]!, others[3]!, 'after catching up');
      const last = await s.store.sync.page(me, cursor, 7);
      expect(last.entries.map((e) => e.events)).toEqual([[late.event]]);
    });

    test('malformed cursors are invalid_cursor', async () => {
      const me = await f.account();
      const good = (await s.store.sync.page(me, null, 10)).cursor;
      for (const bad of ['garbage', '', '!!!', Buffer.from('{"x":1}').toString('base64url'), Buffer.from('null').toString('base64url'), good.slice(0, Math.floor(good.length / 2))]) {
        await expectCode(s.store.sync.page(me, bad, 10), 'invalid_cursor');
      }
    });
  });
}

import { SearchHitSchema, type AccountId, type ConversationId, type MediaId } from '@ottr/protocol';
import { describe, expect } from 'vitest';
import { expectCode, expectWire, text, type Suite } from './fixtures.js';

export function searchTests(s: Suite): void {
  const { f, test } = s;

  const hits = async (accountId: AccountId, query: string, opts: { limit?: number; conversationId?: ConversationId } = {}) => {
    const page = await s.store.events.search(accountId, query, { limit: opts.limit ?? 50, ...(opts.conversationId && { conversationId: opts.conversationId }) });
    for (const hit of page.items) expectWire(SearchHitSchema, hit);
    return page.items;
  };

  describe('search', () => {
    test('finds words in text, captions, places and contacts, newest first, with a snippet', async () => {
      const [a, b] = await f.accounts(2);
      const id = await f.direct(a!, b!);
      const t = await f.send(id, a!, 'Meet at the harbour tomorrow');
      const img = await f.send(id, b!, { kind: 'image', mediaId: f.id<MediaId>('media'), caption: 'Harbour at sunset' });
      const loc = await f.send(id, a!, { kind: 'location', lat: 1, lng: 2, name: 'Old harbour', address: 'Quay 1' });
      const card = await f.send(id, b!, { kind: 'contact', name: 'Harbour master' });
      await f.send(id, a!, 'unrelated');
      const found = await hits(b!, 'harbour');
      expect(found.map((h) => h.event.id)).toEqual([card, loc, img, t].map((r) => r.event.id));
      expect(found[3]!.event).toEqual(t.event);
      expect(found[3]!.snippet.toLowerCase()).toContain('harbour');
      expect((await hits(a!, 'quay')).map((h) => h.event.id)).toEqual([loc.event.id]);
      expect((await hits(a!, 'HARBOUR tomorrow')).map((h) => h.event.id)).toEqual([t.event.id]);
    });

    test('only finds messages the account may see as an active member', async () => {
      const [owner, a, outsider] = await f.accounts(3);
      const id = await f.group(owner!, []);
      await f.send(id, owner!, 'kiwi before joining');
      await s.store.conversations.addMembers(id, [a!], 'member', f.actor(owner!), null, () => f.id('event'));
      const after = await f.send(id, owner!, 'kiwi after joining');
      expect((await hits(a!, 'kiwi')).map((h) => h.event.id)).toEqual([after.event.id]);
      expect(await hits(outsider!, 'kiwi')).toEqual([]);
      const other = await f.direct(owner!, a!);
      const direct = await f.send(other, owner!, 'kiwi in private');
      expect((await hits(a!, 'kiwi', { conversationId: other })).map((h) => h.event.id)).toEqual([direct.event.id]);
      await s.store.conversations.removeMember(id, a!, f.actor(a!), f.id('event'));
      expect((await hits(a!, 'kiwi')).map((h) => h.event.id)).toEqual([direct.event.id]);
    });

    test('edits are searchable by their new text only; deleted messages are gone', async () => {
      const [a, b] = await f.accounts(2);
      const id = await f.direct(a!, b!);
      const m = await f.send(id, a!, 'original banana');
      await f.edit(id, a!, m.event.id, 'edited mango');
      expect(await hits(b!, 'banana')).toEqual([]);
      const found = await hits(b!, 'mango');
      expect(found.map((h) => text(h.event))).toEqual(['edited mango']);
      await f.remove(id, a!, m.event.id);
      expect(await hits(b!, 'mango')).toEqual([]);
    });

    test('any user string is a plain query: no syntax errors', async () => {
      const [a, b] = await f.accounts(2);
      const id = await f.direct(a!, b!);
      await f.send(id, a!, 'say "hello" AND( goodbye * NEAR -x col:val');
      for (const q of ['"', 'AND(', '*', 'NEAR(', '-x', 'col:val', "'", '()', '"hello', 'hello"', 'OR', 'NOT', '^', '{a b}', '   ', '\u0000', '😀', 'a'.repeat(300)]) {
        const page = await s.store.events.search(a!, q, { limit: 10 });
        expect(Array.isArray(page.items)).toBe(true);
      }
      expect(await hits(a!, '"hello"')).toHaveLength(1);
      expect(await hits(a!, 'goodbye AND(')).toHaveLength(1);
      expect(await hits(a!, 'hello OR missingword')).toEqual([]);
    });

    test('results are paged by cursor without repeats; bad cursors are invalid_cursor', async () => {
      const [a, b] = await f.accounts(2);
      const id = await f.direct(a!, b!);
      const sent = [];
      for (let i = 0; i < 7; i++) sent.push((await f.send(id, a!, `lemon ${i}`)).event.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await s.store.events.search(b!, 'lemon', { limit: 3, ...(cursor !== undefined && { cursor }) });
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((h) => h.event.id));
        cursor = page.next ?? undefined;
      } while (cursor !== undefined);
      expect(seen).toEqual(sent.reverse());
      await expectCode(s.store.events.search(b!, 'lemon', { limit: 3, cursor: 'not a cursor' }), 'invalid_cursor');
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationEvent, ConversationId, ConversationListItem, SyncPage } from '@ottr/protocol';
import { startTestNode, type TestDevice, type TestNode } from '../test-support/harness.js';
import type { TestClient } from '../test-support/ws-client.js';

let t: TestNode;
beforeAll(async () => {
  t = await startTestNode();
});
afterAll(() => t.close());

const text = (s: string) => ({ kind: 'text' as const, text: s });

async function direct(a: TestDevice, b: TestDevice): Promise<ConversationId> {
  return (await a.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'direct', peer: b.accountId })).body.conversation.id;
}

/** Syncs to the end like a client: pages until hasMore is false; returns all pages and the final cursor. */
async function syncAll(c: TestClient, since: string | undefined, limit?: number): Promise<{ pages: SyncPage[]; cursor: string }> {
  const pages: SyncPage[] = [];
  let cursor = since;
  for (;;) {
    const page = await c.call<SyncPage>({ type: 'sync', ...(cursor ? { since: cursor } : {}), ...(limit ? { limit } : {}) });
    pages.push(page);
    cursor = page.cursor;
    if (!page.hasMore) return { pages, cursor };
  }
}

/** Events per conversation, deduplicated by seq as a client does, in seq order. */
function applied(pages: SyncPage[]): Map<string, ConversationEvent[]> {
  const by = new Map<string, Map<number, ConversationEvent>>();
  for (const p of pages) for (const e of p.entries) for (const ev of e.events) {
    let m = by.get(e.conversation.id);
    if (!m) by.set(e.conversation.id, (m = new Map<number, ConversationEvent>()));
    m.set(ev.seq, ev);
  }
  return new Map([...by].map(([k, m]) => [k, [...m.values()].sort((a, b) => a.seq - b.seq)]));
}

describe('sync', () => {
  it('an offline device gets everything it missed — events, edits, deletes, reactions, receipts, membership — once each, in order', async () => {
    const ada = await t.signIn();
    const ben = await t.signIn();
    const cara = await t.signIn();
    const cnv = await direct(ada, ben);

    // Ben's phone syncs, saves its cursor, and goes offline.
    const phone = await t.connect(ben);
    const first = await syncAll(phone, undefined);
    expect(first.pages.flatMap((p) => p.entries).map((e) => e.conversation.id)).toContain(cnv);
    await phone.close();

    // While it is away: messages, an edit, a delete, a reaction, a read, a new group.
    const a = await t.connect(ada);
    const sent: ConversationEvent[] = [];
    for (let i = 0; i < 30; i++) sent.push((await a.call<{ event: ConversationEvent }>({ type: 'send', conversationId: cnv, clientMsgId: `o${i}`, content: text(`m${i}`) })).event);
    await a.call({ type: 'edit', messageId: sent[3]!.id, content: text('m3 edited') });
    await a.call({ type: 'delete', messageId: sent[4]!.id });
    const desk = await t.connect(await t.signIn(ben.email, 'desk'));
    await desk.call({ type: 'react', messageId: sent[5]!.id, emoji: '🎉' });
    await desk.call({ type: 'read', conversationId: cnv, seq: sent[29]!.seq });
    await a.call({ type: 'read', conversationId: cnv, seq: sent[29]!.seq + 2 });
    const group = await ada.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'group', title: 'Trip', members: [ben.accountId, cara.accountId] });

    // Back online: sync from the saved cursor in small pages.
    const back = await t.connect(ben);
    const { pages } = await syncAll(back, first.cursor, 7);
    expect(pages.length).toBeGreaterThan(3);
    const got = applied(pages);
    const events = got.get(cnv)!;
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...new Set(seqs)].sort((x, y) => x - y)); // gap-free and ordered
    expect(seqs[0]).toBe(sent[0]!.seq);
    expect(seqs.at(-1)).toBe(sent[29]!.seq + 3); // 30 messages, edit, delete, reaction
    // Each event appears once per page set (no duplicates across pages for a quiet conversation).
    const all = pages.flatMap((p) => p.entries.filter((e) => e.conversation.id === cnv).flatMap((e) => e.events.map((ev) => ev.seq)));
    expect(all).toHaveLength(new Set(all).size);
    expect(events.find((e) => e.type === 'edit')).toMatchObject({ messageId: sent[3]!.id, content: { text: 'm3 edited' } });
    expect(events.find((e) => e.type === 'delete')).toMatchObject({ messageId: sent[4]!.id });
    expect(events.find((e) => e.id === sent[4]!.id)).toMatchObject({ content: null, deletedAt: expect.any(Number) });
    expect(events.find((e) => e.type === 'reaction')).toMatchObject({ emoji: '🎉', action: 'add', sender: ben.accountId });

    const entries = pages.flatMap((p) => p.entries).filter((e) => e.conversation.id === cnv);
    const last = entries.at(-1)!;
    expect(last.membership.readSeq).toBe(sent[29]!.seq); // read on the desk device
    expect(last.unreadCount).toBe(0);
    expect(entries.flatMap((e) => e.receipts)).toContainEqual(expect.objectContaining({ accountId: ada.accountId }));
    const groupEntry = pages.flatMap((p) => p.entries).find((e) => e.conversation.id === group.body.conversation.id);
    expect(groupEntry?.membership.status).toBe('active');
    expect(groupEntry?.events.map((e) => e.type)).toEqual(expect.arrayContaining(['conversation_created', 'member_added']));
  });

  it('a caught-up cursor returns only what changed after it, and a removed member sees its removal and nothing after', async () => {
    const ada = await t.signIn();
    const ben = await t.signIn();
    const cnv = (await ada.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'group', title: 'Club', members: [ben.accountId] })).body.conversation.id;
    const b = await t.connect(ben);
    const { cursor } = await syncAll(b, undefined);
    await b.close();

    const a = await t.connect(ada);
    await a.call({ type: 'send', conversationId: cnv, clientMsgId: 'before', content: text('still here') });
    await ada.api('DELETE', `/v1/conversations/${cnv}/members/${ben.accountId}`);
    await a.call({ type: 'send', conversationId: cnv, clientMsgId: 'after', content: text('gone now') });

    const b2 = await t.connect(ben);
    const { pages, cursor: caughtUp } = await syncAll(b2, cursor);
    const entry = pages.flatMap((p) => p.entries).filter((e) => e.conversation.id === cnv).at(-1)!;
    expect(entry.membership.status).toBe('removed');
    const types = applied(pages).get(cnv)!.map((e) => (e.type === 'message' && e.content?.kind === 'text' ? e.content.text : e.type));
    expect(types).toEqual(['still here', 'member_removed']);

    const again = await b2.call<SyncPage>({ type: 'sync', since: caughtUp });
    expect(again.entries).toEqual([]);
    expect(again.hasMore).toBe(false);
    expect((await ben.api('GET', `/v1/conversations/${cnv}/events`)).status).toBe(403);
  });

  it('REST sync gives the same pages, and a malformed cursor is a clear 400', async () => {
    const ada = await t.signIn();
    const ben = await t.signIn();
    await direct(ada, ben);
    const snap = await ada.api<SyncPage>('GET', '/v1/sync');
    expect(snap.status).toBe(200);
    expect(snap.body.entries).toHaveLength(1);
    expect(snap.body.entries[0]!.events).toEqual([]);
    const bad = await ada.api('GET', '/v1/sync?since=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'invalid_cursor' });
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });

  it('history pages backwards from any seq', async () => {
    const ada = await t.signIn();
    const ben = await t.signIn();
    const cnv = await direct(ada, ben);
    const a = await t.connect(ada);
    for (let i = 0; i < 25; i++) await a.call({ type: 'send', conversationId: cnv, clientMsgId: `h${i}`, content: text(`h${i}`) });
    const seen: number[] = [];
    let before: number | null | undefined;
    do {
      const page = await ben.api<{ events: ConversationEvent[]; before: number | null }>('GET', `/v1/conversations/${cnv}/events?limit=10${before ? `&before=${before}` : ''}`);
      seen.unshift(...page.body.events.map((e) => e.seq));
      before = page.body.before;
    } while (before);
    expect(seen).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
    const mid = await ben.api<{ events: ConversationEvent[] }>('GET', `/v1/conversations/${cnv}/events?before=10&limit=3`);
    expect(mid.body.events.map((e) => e.seq)).toEqual([7, 8, 9]);
    const fwd = await ben.api<{ events: ConversationEvent[]; after: number | null }>('GET', `/v1/conversations/${cnv}/events?after=24`);
    expect(fwd.body.events.map((e) => e.seq)).toEqual([25, 26]);
    expect(fwd.body.after).toBeNull();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationEvent, ConversationId, ConversationListItem, EditRecord, MessageEvent } from '@ottr/protocol';
import { startTestNode, type TestDevice, type TestNode } from '../test-support/harness.js';

let t: TestNode;
beforeAll(async () => {
  t = await startTestNode();
});
afterAll(() => t.close());

const text = (s: string) => ({ kind: 'text' as const, text: s });

async function pair(): Promise<{ ada: TestDevice; ben: TestDevice; cnv: ConversationId }> {
  const [ada, ben] = await Promise.all([t.signIn(), t.signIn()]);
  const cnv = (await ada.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'direct', peer: ben.accountId })).body.conversation.id;
  return { ada, ben, cnv };
}

async function send(d: TestDevice, cnv: ConversationId, body: object): Promise<MessageEvent> {
  const res = await d.api<{ event: MessageEvent }>('POST', `/v1/conversations/${cnv}/messages`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.event;
}

describe('messages', () => {
  it('text with mentions gets server-side links; limits are enforced in UTF-8 bytes', async () => {
    const { ada, ben, cnv } = await pair();
    const m = await send(ada, cnv, { clientMsgId: 't1', content: { kind: 'text', text: '@ben see https://ottr.example/x.', mentions: [{ accountId: ben.accountId, offset: 0, length: 4 }], links: [{ url: 'javascript:alert(1)', offset: 0, length: 3 }] } });
    expect(m.content).toEqual({ kind: 'text', text: '@ben see https://ottr.example/x.', mentions: [{ accountId: ben.accountId, offset: 0, length: 4 }], links: [{ url: 'https://ottr.example/x', offset: 9, length: 22 }] });
    const big = await ada.api('POST', `/v1/conversations/${cnv}/messages`, { clientMsgId: 't2', content: text('é'.repeat(40_000)) });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ code: 'content_too_large' });
    expect((await ada.api('POST', `/v1/conversations/${cnv}/messages`, { clientMsgId: 't3', content: text('a'.repeat(65_536)) })).status).toBe(200);
    const outside = await ada.api('POST', `/v1/conversations/${cnv}/messages`, { clientMsgId: 't4', content: { kind: 'text', text: 'hi', mentions: [{ accountId: ben.accountId, offset: 1, length: 5 }] } });
    expect(outside.body).toMatchObject({ code: 'validation_failed' });
    expect((await ada.api('POST', `/v1/conversations/${cnv}/messages`, { clientMsgId: 't5', content: { kind: 'image', mediaId: 'med_01JDQ3ZB7W8Q0K1S2V3X4Y5Z6A' } })).body).toMatchObject({ code: 'media_not_found' });
    const loc = await send(ada, cnv, { clientMsgId: 't6', content: { kind: 'location', lat: 52.52, lng: 13.405, name: 'Berlin' } });
    expect(loc.content).toMatchObject({ kind: 'location', lat: 52.52 });
    const card = await send(ada, cnv, { clientMsgId: 't7', content: { kind: 'contact', name: 'Ben', accountId: ben.accountId } });
    expect(card.content).toMatchObject({ kind: 'contact', name: 'Ben' });
    expect((await ada.api('POST', `/v1/conversations/${cnv}/messages`, { clientMsgId: 't8', content: { kind: 'location', lat: 91, lng: 0 } })).status).toBe(400);
  });

  it('edit by the author only, with history; delete for everyone leaves a tombstone', async () => {
    const { ada, ben, cnv } = await pair();
    const m = await send(ada, cnv, { clientMsgId: 'e1', content: text('frist') });
    expect((await ben.api('PATCH', `/v1/messages/${m.id}`, { content: text('hacked') })).body).toMatchObject({ code: 'not_author' });
    const edit = await ada.api<{ event: ConversationEvent }>('PATCH', `/v1/messages/${m.id}`, { content: text('first') });
    expect(edit.body.event).toMatchObject({ type: 'edit', messageId: m.id, content: { text: 'first' } });
    await ada.api('PATCH', `/v1/messages/${m.id}`, { content: text('first!') });
    const edits = await ben.api<{ items: EditRecord[] }>('GET', `/v1/messages/${m.id}/edits`);
    expect(edits.body.items.map((e) => (e.content.kind === 'text' ? e.content.text : ''))).toEqual(['frist', 'first', 'first!']);
    expect((await ada.api('PATCH', `/v1/messages/${m.id}`, { content: { kind: 'location', lat: 1, lng: 1 } })).status).toBe(400);

    expect((await ben.api('DELETE', `/v1/messages/${m.id}`)).body).toMatchObject({ code: 'not_author' });
    const del = await ada.api<{ event: ConversationEvent }>('DELETE', `/v1/messages/${m.id}`);
    expect(del.body.event).toMatchObject({ type: 'delete', messageId: m.id });
    const history = await ben.api<{ events: ConversationEvent[] }>('GET', `/v1/conversations/${cnv}/events`);
    const tomb = history.body.events.find((e) => e.id === m.id) as MessageEvent;
    expect(tomb).toMatchObject({ content: null, deletedAt: expect.any(Number) });
    expect(history.body.events.filter((e) => e.type === 'edit').every((e) => e.type === 'edit' && e.content === null)).toBe(true);
    expect((await ben.api<{ items: unknown[] }>('GET', `/v1/messages/${m.id}/edits`)).body.items).toEqual([]);
    expect((await ada.api('PATCH', `/v1/messages/${m.id}`, { content: text('back') })).body).toMatchObject({ code: 'message_deleted' });
    expect((await ben.api<{ items: unknown[] }>('GET', '/v1/search?q=first')).body.items).toEqual([]);
  });

  it('reactions: one per emoji per account, removable, summarised on the message', async () => {
    const { ada, ben, cnv } = await pair();
    const m = await send(ada, cnv, { clientMsgId: 'r1', content: text('react to me') });
    const thumbs = encodeURIComponent('👍');
    const first = await ben.api<{ event: ConversationEvent }>('PUT', `/v1/messages/${m.id}/reactions/${thumbs}`);
    const again = await ben.api<{ event: ConversationEvent }>('PUT', `/v1/messages/${m.id}/reactions/${thumbs}`);
    expect(again.body.event).toEqual(first.body.event);
    await ada.api('PUT', `/v1/messages/${m.id}/reactions/${thumbs}`);
    await ada.api('PUT', `/v1/messages/${m.id}/reactions/${encodeURIComponent('😂')}`);
    let history = await ben.api<{ events: ConversationEvent[] }>('GET', `/v1/conversations/${cnv}/events`);
    expect((history.body.events.find((e) => e.id === m.id) as MessageEvent).reactions).toEqual([
      { emoji: '👍', count: 2, accountIds: [ben.accountId, ada.accountId] },
      { emoji: '😂', count: 1, accountIds: [ada.accountId] },
    ]);
    expect((await ben.api('DELETE', `/v1/messages/${m.id}/reactions/${thumbs}`)).status).toBe(200);
    expect((await ben.api('DELETE', `/v1/messages/${m.id}/reactions/${thumbs}`)).status).toBe(404);
    history = await ben.api<{ events: ConversationEvent[] }>('GET', `/v1/conversations/${cnv}/events`);
    expect((history.body.events.find((e) => e.id === m.id) as MessageEvent).reactions).toEqual([
      { emoji: '👍', count: 1, accountIds: [ada.accountId] },
      { emoji: '😂', count: 1, accountIds: [ada.accountId] },
    ]);
    expect((await ben.api('PUT', `/v1/messages/${m.id}/reactions/${encodeURIComponent('a b')}`)).status).toBe(400);
  });

  it('reply and forward keep references; a forward of a forward points at the original', async () => {
    const { ada, ben, cnv } = await pair();
    const cara = await t.signIn();
    const other = (await ben.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'direct', peer: cara.accountId })).body.conversation.id;
    const original = await send(ada, cnv, { clientMsgId: 'f1', content: text('pass it on') });
    const reply = await send(ben, cnv, { clientMsgId: 'f2', content: text('will do'), replyTo: original.id });
    expect(reply.replyTo).toEqual({ messageId: original.id, seq: original.seq });
    const fwd = await send(ben, other, { clientMsgId: 'f3', forwardOf: original.id });
    expect(fwd).toMatchObject({ content: { kind: 'text', text: 'pass it on' }, forwarded: { messageId: original.id, senderId: ada.accountId } });
    const third = (await cara.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'group', title: 'g', members: [] })).body.conversation.id;
    const fwd2 = await send(cara, third, { clientMsgId: 'f4', forwardOf: fwd.id });
    expect(fwd2.forwarded).toEqual({ messageId: original.id, senderId: ada.accountId });
    // Cannot forward what one cannot read, nor reply across conversations.
    expect((await cara.api('POST', `/v1/conversations/${third}/messages`, { clientMsgId: 'f5', forwardOf: original.id })).status).toBe(403);
    expect((await ben.api('POST', `/v1/conversations/${other}/messages`, { clientMsgId: 'f6', content: text('x'), replyTo: original.id })).status).toBe(404);
    expect((await ben.api('POST', `/v1/conversations/${other}/messages`, { clientMsgId: 'f7', content: text('x'), forwardOf: original.id })).body).toMatchObject({ code: 'validation_failed' });
  });

  it('search finds words in your conversations only, newest first, with any query string', async () => {
    const { ada, ben, cnv } = await pair();
    const eve = await t.signIn();
    await send(ada, cnv, { clientMsgId: 's1', content: text('the zebra crossing') });
    await send(ben, cnv, { clientMsgId: 's2', content: text('zebra stripes are nice') });
    const hits = await ben.api<{ items: { event: ConversationEvent; snippet: string }[] }>('GET', '/v1/search?q=zebra');
    expect(hits.body.items.map((h) => h.event.type === 'message' && h.event.clientMsgId)).toEqual(['s2', 's1']);
    expect(hits.body.items[0]!.snippet).toContain('zebra');
    expect((await eve.api<{ items: unknown[] }>('GET', '/v1/search?q=zebra')).body.items).toEqual([]);
    for (const q of ['"', 'AND(', '*', 'NEAR/2', "'; DROP TABLE events; --"]) {
      expect((await ben.api('GET', `/v1/search?q=${encodeURIComponent(q)}`)).status).toBe(200);
    }
  });

  it('muting, archiving and pinning are per member and shape the conversation list', async () => {
    const { ada, ben, cnv } = await pair();
    const cara = await t.signIn();
    const other = (await ada.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'direct', peer: cara.accountId })).body.conversation.id;
    await send(ben, cnv, { clientMsgId: 'l1', content: text('older') });
    await send(cara, other, { clientMsgId: 'l2', content: text('newer') });
    let list = await ada.api<{ items: ConversationListItem[] }>('GET', '/v1/conversations');
    expect(list.body.items.map((i) => i.conversation.id)).toEqual([other, cnv]);
    expect(list.body.items[0]).toMatchObject({ unreadCount: 1, lastEvent: { type: 'message', clientMsgId: 'l2' } });
    const until = Date.now() + 3600_000;
    const patched = await ada.api<ConversationListItem>('PATCH', `/v1/conversations/${cnv}/membership`, { pinned: true, muteUntil: until });
    expect(patched.body.membership).toMatchObject({ pinned: true, muteUntil: until, archived: false });
    list = await ada.api<{ items: ConversationListItem[] }>('GET', '/v1/conversations');
    expect(list.body.items.map((i) => i.conversation.id)).toEqual([cnv, other]);
    await ada.api('PATCH', `/v1/conversations/${other}/membership`, { archived: true });
    expect((await ada.api<{ items: ConversationListItem[] }>('GET', '/v1/conversations')).body.items.map((i) => i.conversation.id)).toEqual([cnv]);
    expect((await ada.api<{ items: ConversationListItem[] }>('GET', '/v1/conversations?archived=true')).body.items.map((i) => i.conversation.id)).toEqual([other]);
    // Ben's view is untouched.
    expect((await ben.api<ConversationListItem>('GET', `/v1/conversations/${cnv}`)).body.membership).toMatchObject({ pinned: false, muteUntil: null });
    expect((await ada.api('PATCH', `/v1/conversations/${cnv}/membership`, {})).status).toBe(400);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationEvent, ConversationId, ConversationListItem, Member, ReceiptsSummary } from '@ottr/protocol';
import { startTestNode, type TestDevice, type TestNode } from '../test-support/harness.js';

let t: TestNode;
beforeAll(async () => {
  t = await startTestNode({ limits: { groupSizeCap: 4 } });
});
afterAll(() => t.close());

const text = (s: string) => ({ kind: 'text' as const, text: s });

async function group(owner: TestDevice, members: TestDevice[], kind: 'group' | 'channel' = 'group'): Promise<ConversationId> {
  const res = await owner.api<ConversationListItem>('POST', '/v1/conversations', { kind, title: 'The group', members: members.map((m) => m.accountId) });
  expect(res.status).toBe(200);
  expect(res.body.membership.role).toBe('owner');
  return res.body.conversation.id;
}

describe('direct conversations', () => {
  it('exactly one per pair, whoever starts it and however many times at once', async () => {
    const ada = await t.signIn();
    const ben = await t.signIn();
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => ada.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'direct', peer: ben.accountId })),
      ...Array.from({ length: 5 }, () => ben.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'direct', peer: ada.accountId })),
    ]);
    expect(new Set(results.map((r) => r.body.conversation.id)).size).toBe(1);
    expect(results[0]!.body.conversation.participants).toHaveLength(2);
    const self = await ada.api('POST', '/v1/conversations', { kind: 'direct', peer: ada.accountId });
    expect(self.status).toBe(400);
  });

  it('blocking stops direct messages both ways until unblocked', async () => {
    const ada = await t.signIn();
    const ben = await t.signIn();
    const cnv = (await ada.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'direct', peer: ben.accountId })).body.conversation.id;
    expect((await ben.api('PUT', `/v1/blocks/${ada.accountId}`)).status).toBe(204);
    const sendAda = await ada.api('POST', `/v1/conversations/${cnv}/messages`, { clientMsgId: 'b1', content: text('hi?') });
    expect(sendAda.status).toBe(403);
    expect(sendAda.body).toMatchObject({ code: 'blocked' });
    expect((await ben.api('POST', `/v1/conversations/${cnv}/messages`, { clientMsgId: 'b2', content: text('x') })).body).toMatchObject({ code: 'blocked' });
    expect((await ben.api<{ items: string[] }>('GET', '/v1/blocks')).body.items).toEqual([ada.accountId]);
    await ben.api('DELETE', `/v1/blocks/${ada.accountId}`);
    expect((await ada.api('POST', `/v1/conversations/${cnv}/messages`, { clientMsgId: 'b3', content: text('hi again') })).status).toBe(200);
    // A blocked account cannot open a new direct chat either.
    const cara = await t.signIn();
    await cara.api('PUT', `/v1/blocks/${ada.accountId}`);
    expect((await ada.api('POST', '/v1/conversations', { kind: 'direct', peer: cara.accountId })).body).toMatchObject({ code: 'blocked' });
  });
});

describe('groups', () => {
  it('owner/admin/member roles: add, remove, leave, promote, with system events for everyone', async () => {
    const [own, adm, mem, late] = await Promise.all([t.signIn(), t.signIn(), t.signIn(), t.signIn()]);
    const cnv = await group(own, [adm, mem]);
    const m = await t.connect(mem);

    expect((await mem.api('POST', `/v1/conversations/${cnv}/members`, { accountIds: [late.accountId] })).body).toMatchObject({ code: 'insufficient_role' });
    expect((await own.api('PATCH', `/v1/conversations/${cnv}/members/${adm.accountId}`, { role: 'admin' })).status).toBe(200);
    expect((await m.next('event', (f) => f.event.type === 'role_changed')).event).toMatchObject({ accountId: adm.accountId, role: 'admin' });

    const added = await adm.api<{ events: ConversationEvent[] }>('POST', `/v1/conversations/${cnv}/members`, { accountIds: [late.accountId] });
    expect(added.body.events).toEqual([expect.objectContaining({ type: 'member_added', accountId: late.accountId, sender: adm.accountId })]);
    const l = await t.connect(late);
    await l.call({ type: 'send', conversationId: cnv, clientMsgId: 'l1', content: text('hi all') });

    // Admins cannot remove admins; the owner can. The owner cannot be removed.
    expect((await adm.api('DELETE', `/v1/conversations/${cnv}/members/${own.accountId}`)).body).toMatchObject({ code: 'insufficient_role' });
    const removed = await adm.api<{ event: ConversationEvent }>('DELETE', `/v1/conversations/${cnv}/members/${late.accountId}`);
    expect(removed.body.event).toMatchObject({ type: 'member_removed', accountId: late.accountId });
    expect((await l.next('membership', (f) => f.membership.status === 'removed')).conversation.id).toBe(cnv);
    await expect(l.call({ type: 'send', conversationId: cnv, clientMsgId: 'l2', content: text('still?') })).rejects.toMatchObject({ code: 'not_member' });

    // Leaving as the owner hands the group to the admin.
    expect((await own.api('POST', `/v1/conversations/${cnv}/leave`)).status).toBe(204);
    const members = await mem.api<{ items: Member[] }>('GET', `/v1/conversations/${cnv}/members`);
    expect(members.body.items.map((x) => [x.accountId, x.role])).toEqual([
      [adm.accountId, 'owner'],
      [mem.accountId, 'member'],
    ]);
    const history = await mem.api<{ events: ConversationEvent[] }>('GET', `/v1/conversations/${cnv}/events`);
    expect(history.body.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['conversation_created', 'role_changed', 'member_added', 'message', 'member_removed', 'member_left']),
    );
  });

  it('title and description changes are events; members cannot change them', async () => {
    const [own, mem] = await Promise.all([t.signIn(), t.signIn()]);
    const cnv = await group(own, [mem]);
    expect((await mem.api('PATCH', `/v1/conversations/${cnv}`, { title: 'Mine now' })).body).toMatchObject({ code: 'insufficient_role' });
    const res = await own.api<ConversationListItem>('PATCH', `/v1/conversations/${cnv}`, { title: 'Renamed', description: 'About us' });
    expect(res.body.conversation).toMatchObject({ title: 'Renamed', description: 'About us' });
    const history = await mem.api<{ events: ConversationEvent[] }>('GET', `/v1/conversations/${cnv}/events`);
    expect(history.body.events.slice(-2)).toEqual([
      expect.objectContaining({ type: 'title_changed', title: 'Renamed' }),
      expect.objectContaining({ type: 'description_changed', description: 'About us' }),
    ]);
  });

  it('the size cap is enforced', async () => {
    const people = await Promise.all(Array.from({ length: 5 }, () => t.signIn()));
    const [own, ...rest] = people;
    const cnv = await group(own!, rest.slice(0, 3));
    const over = await own!.api('POST', `/v1/conversations/${cnv}/members`, { accountIds: [rest[3]!.accountId] });
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: 'group_full' });
    const tooBig = await own!.api('POST', '/v1/conversations', { kind: 'group', title: 'x', members: rest.map((r) => r.accountId) });
    expect(tooBig.body).toMatchObject({ code: 'group_full' });
  });

  it('read receipts aggregate per message: counts and who read, for the author', async () => {
    const [own, a, b] = await Promise.all([t.signIn(), t.signIn(), t.signIn()]);
    const cnv = await group(own, [a, b]);
    const o = await t.connect(own);
    const { event } = await o.call<{ event: ConversationEvent }>({ type: 'send', conversationId: cnv, clientMsgId: 'g1', content: text('read me') });
    await a.api('POST', `/v1/conversations/${cnv}/read`, { seq: event.seq });
    await b.api('POST', `/v1/conversations/${cnv}/delivered`, { seq: event.seq });
    expect(await o.next('receipt', (f) => f.accountId === a.accountId)).toMatchObject({ readSeq: event.seq });
    const summary = await own.api<ReceiptsSummary>('GET', `/v1/messages/${event.id}/receipts`);
    expect(summary.body).toMatchObject({ recipients: 2, delivered: 2, read: 1, readBy: [a.accountId] });
    expect((await a.api('GET', `/v1/messages/${event.id}/receipts`)).body).toMatchObject({ code: 'not_author' });
  });
});

describe('channels', () => {
  it('admins post, subscribers read and react, nobody else lists the subscribers', async () => {
    const [own, sub1, sub2] = await Promise.all([t.signIn(), t.signIn(), t.signIn()]);
    const cnv = await group(own, [sub1], 'channel');
    const joined = await sub2.api<ConversationListItem>('POST', `/v1/conversations/${cnv}/join`);
    expect(joined.body.membership).toMatchObject({ role: 'member', status: 'active', joinedSeq: 1 });
    const post = await own.api<{ event: ConversationEvent }>('POST', `/v1/conversations/${cnv}/messages`, { clientMsgId: 'c1', content: text('news') });
    expect(post.status).toBe(200);
    expect((await sub1.api('POST', `/v1/conversations/${cnv}/messages`, { clientMsgId: 'c2', content: text('me too') })).body).toMatchObject({ code: 'insufficient_role' });
    expect((await sub1.api('GET', `/v1/conversations/${cnv}/members`)).body).toMatchObject({ code: 'insufficient_role' });
    expect((await own.api<{ items: Member[] }>('GET', `/v1/conversations/${cnv}/members`)).body.items).toHaveLength(3);
    expect((await sub2.api('PUT', `/v1/messages/${post.body.event.id}/reactions/${encodeURIComponent('❤️')}`)).status).toBe(200);
    // A channel has no group cap.
    expect(joined.status).toBe(200);
  });
});

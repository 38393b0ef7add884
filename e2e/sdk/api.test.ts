// Every API group of the client against a real server: profile, devices, blocks, lookup,
// presence and typing, conversations (groups, channels, settings, members), messages (reply,
// forward, edit history, receipts, search), and the typed REST helper.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MemoryStore, type OttrClient, type Presence, type SystemEvent, type TypingNotice } from '@ottr/sdk/node';
import { startServer, type SignedIn, type TestServer } from '../support/server.js';
import { nodeClient, textOf } from './helpers.js';
import { until } from './suite.js';

let server: TestServer;
let sa: SignedIn;
let sb: SignedIn;
let a: OttrClient;
let b: OttrClient;
beforeAll(async () => {
  server = await startServer();
  [sa, sb] = await Promise.all([server.signIn(), server.signIn()]);
  a = nodeClient(server.url, sa);
  b = nodeClient(server.url, sb);
  await Promise.all([a.connect(), b.connect()]);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  await server.close();
});

it('profile, lookup, devices, blocks', async () => {
  expect((await a.profile.update({ displayName: 'Ada', about: 'hi' })).displayName).toBe('Ada');
  expect(await a.profile.me()).toMatchObject({ id: sa.accountId, email: sa.email, displayName: 'Ada' });
  expect(await b.profile.get(sa.accountId as never)).toMatchObject({ displayName: 'Ada', about: 'hi', deleted: false });
  expect((await b.profile.getMany([sa.accountId as never])).map((p) => p.id)).toEqual([sa.accountId]);
  expect((await b.profile.find({ email: sa.email })).id).toBe(sa.accountId);
  expect(await b.profile.lookup({ emails: [sa.email, 'nobody@example.com'] })).toMatchObject([{ query: sa.email, profile: { id: sa.accountId } }]);
  await expect(b.profile.find({ email: 'nobody@example.com' })).rejects.toMatchObject({ code: 'not_found' });
  expect(await a.devices.list()).toMatchObject([{ id: sa.deviceId, current: true }]);
  await a.blocks.block(sb.accountId as never);
  expect(await a.blocks.list()).toEqual([sb.accountId]);
  await a.blocks.unblock(sb.accountId as never);
  expect(await a.blocks.list()).toEqual([]);
});

it('presence and typing', async () => {
  const cid = (await a.conversations.openDirect(sb.accountId as never)).conversation.id;
  const now = await a.presence.subscribe([sb.accountId as never]);
  expect(now).toMatchObject([{ accountId: sb.accountId, online: true }]);
  expect(await a.presence.get([sb.accountId as never])).toMatchObject([{ online: true }]);
  expect(a.presence.watching()).toEqual([sb.accountId]);
  const changes: Presence[] = [];
  a.on('presence', (p) => changes.push(p));
  b.disconnect();
  await until([a], () => changes.some((p) => p.accountId === sb.accountId && !p.online), 'B offline');
  await b.connect();
  await until([a], () => changes.some((p) => p.accountId === sb.accountId && p.online), 'B online again');
  await a.presence.unsubscribe([sb.accountId as never]);

  const typing: TypingNotice[] = [];
  b.on('typing', (t) => typing.push(t));
  a.typing.start(cid);
  a.typing.start(cid); // throttled: one frame
  await until([b], () => b.typing.who(cid).includes(sa.accountId as never), 'B sees A typing');
  a.typing.stop(cid);
  await until([b], () => b.typing.who(cid).length === 0, 'B sees A stop');
  expect(typing.map((t) => t.state)).toEqual(['typing', 'stopped']);
});

it('groups and channels: create, update, members, roles, settings, join, leave', async () => {
  const systems: SystemEvent[] = [];
  b.on('system', (s) => systems.push(s.event));
  const g = await a.conversations.createGroup({ title: 'Climbing', description: 'Tuesdays' });
  const gid = g.conversation.id;
  await a.conversations.addMembers(gid, [sb.accountId as never]);
  await until([b], () => b.conversations.cached(gid)?.membership.status === 'active', 'B in the group');
  await a.conversations.update(gid, { title: 'Climbing club' });
  await until([b], () => b.conversations.cached(gid)?.conversation.title === 'Climbing club', 'the new title at B');
  expect(systems.map((e) => e.type)).toContain('title_changed');
  expect((await a.conversations.members(gid)).map((m) => m.accountId).sort()).toEqual([sa.accountId, sb.accountId].sort());
  await a.conversations.setRole(gid, sb.accountId as never, 'admin');
  expect(a.conversations.cachedMembers(gid)?.find((m) => m.accountId === sb.accountId)?.role).toBe('admin');
  expect((await b.conversations.mute(gid)).membership.muteUntil).toBeGreaterThan(Date.now());
  expect((await b.conversations.unmute(gid)).membership.muteUntil).toBeNull();
  expect((await b.conversations.pin(gid)).membership.pinned).toBe(true);
  expect(b.conversations.list()[0]?.conversation.id).toBe(gid);
  await b.conversations.leave(gid);
  await until([a], () => a.conversations.cachedMembers(gid)?.length === 1, 'A sees B gone');
  expect((await a.conversations.get(gid)).conversation.memberCount).toBe(1);

  const ch = await a.conversations.createChannel({ title: 'News' });
  const joined = await b.conversations.join(ch.conversation.id);
  expect(joined.membership).toMatchObject({ role: 'member', status: 'active' });
  await expect(b.messages.edit('msg_01JDQ3ZB7W8Q0K1S2V3X4Y5Z6A' as never, 'x')).rejects.toMatchObject({ code: 'not_found' });
  const post = b.messages.send(ch.conversation.id, 'can members post?');
  await until([b], () => b.messages.pending().some((m) => m.clientMsgId === post.clientMsgId && m.status === 'failed'), 'refused');
  expect(b.messages.pending().find((m) => m.clientMsgId === post.clientMsgId)?.error?.code).toBe('insufficient_role');
  b.messages.discard(post.clientMsgId);
  expect((await a.conversations.load()).map((i) => i.conversation.id)).toEqual(expect.arrayContaining([gid, ch.conversation.id]));
});

it('messages: reply, forward, edit with history, react, delete, receipts, search, request()', async () => {
  const cid = (await a.conversations.openDirect(sb.accountId as never)).conversation.id;
  const g = await a.conversations.createGroup({ title: 'Forwarded here', members: [sb.accountId as never] });
  const first = a.messages.send(cid, 'the first findable words');
  await until([b], () => b.messages.list(cid).some((m) => m.clientMsgId === first.clientMsgId), 'first at B');
  const original = b.messages.list(cid).find((m) => m.clientMsgId === first.clientMsgId)!;
  const reply = b.messages.reply(original, 'a reply');
  const fwd = b.messages.forward(original.id!, g.conversation.id);
  await until([a], () => a.messages.list(cid).some((m) => m.clientMsgId === reply.clientMsgId) && a.messages.list(g.conversation.id).some((m) => m.clientMsgId === fwd.clientMsgId), 'reply and forward at A');
  expect(a.messages.list(cid).find((m) => m.clientMsgId === reply.clientMsgId)?.replyTo).toEqual({ messageId: original.id, seq: original.seq });
  const forwarded = a.messages.list(g.conversation.id).find((m) => m.clientMsgId === fwd.clientMsgId)!;
  expect(forwarded).toMatchObject({ forwarded: { messageId: original.id, senderId: sa.accountId }, content: { kind: 'text', text: 'the first findable words' } });

  await a.messages.edit(original.id!, 'the first findable words, edited');
  expect((await a.messages.edits(original.id!)).map((e) => (e.content as { text: string }).text)).toEqual(['the first findable words', 'the first findable words, edited']);
  await a.messages.react(original.id!, '❤️');
  await until([b], () => b.messages.list(cid).find((m) => m.id === original.id)?.reactions[0]?.emoji === '❤️', 'reaction at B');
  await a.messages.unreact(original.id!, '❤️');
  await until([b], () => b.messages.list(cid).find((m) => m.id === original.id)?.reactions.length === 0, 'reaction gone at B');

  await b.messages.markRead(cid);
  expect(await a.messages.receipts(original.id!)).toMatchObject({ recipients: 1, read: 1, readBy: [sb.accountId] });
  const hits = await a.messages.search('findable', { conversationId: cid });
  expect(hits.items.map((h) => h.event.id)).toEqual([original.id]);

  const deleted = await a.messages.delete(original.id!);
  expect(deleted.type).toBe('delete');
  await until([b], () => b.messages.list(cid).find((m) => m.id === original.id)?.deletedAt !== undefined, 'deleted at B');
  expect(textOf(b.messages.list(cid).find((m) => m.id === original.id)!)).toBeNull();

  const page = await a.request('listEvents', { params: { conversationId: cid }, query: { after: 0, limit: 2 } });
  expect(page.events.map((e) => e.seq)).toEqual([1, 2]);
});

it('auth: requestCode, verify (saved), restore in a new client, signOut (server and store)', async () => {
  const store = new MemoryStore();
  const email = `signin-${Date.now()}@example.com`;
  const first = nodeClient(server.url, undefined, { store });
  expect(await first.auth.restore()).toBeNull();
  expect(await first.auth.requestCode({ email })).toMatchObject({ identifier: email, channel: 'email' });
  const session = await first.auth.verify({ email, code: await server.codeFor(email), deviceName: 'sdk test' });
  expect(session.newAccount).toBe(true);
  expect(first.session).toEqual({ accountId: session.accountId, deviceId: session.deviceId });
  await first.close();

  const again = nodeClient(server.url, undefined, { store });
  expect(await again.auth.restore()).toMatchObject({ accountId: session.accountId, deviceId: session.deviceId });
  await again.connect();
  again.messages.send((await again.conversations.openDirect(sa.accountId as never)).conversation.id, 'hello from a restored session');
  await until([again], () => again.messages.pending().length === 0, 'sent');
  const events: string[] = [];
  again.on('session', (e) => events.push(e.type));
  await again.auth.signOut();
  expect(events).toEqual(['signed-out']);
  expect(again.session).toBeNull();
  expect(again.state).toBe('stopped');
  expect(await store.keys('')).toEqual([]);
  await expect(server.call('GET', '/v1/me', undefined, session.accessToken)).rejects.toThrow(/401/);
});

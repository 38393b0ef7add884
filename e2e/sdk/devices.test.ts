// (d) Two devices of one account stay in step: messages both ways, edits and reactions, read
// state clearing unread counts, and membership changes made by others and by either device.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OttrClient } from '@ottr/sdk/node';
import { startServer, type TestServer } from '../support/server.js';
import { nodeClient, textOf } from './helpers.js';
import { until } from './suite.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

it('two devices of one account see the same messages, read state and memberships', async () => {
  const s1 = await server.signIn();
  const [s2, sb] = await Promise.all([server.signIn(s1.email), server.signIn()]);
  const d1 = nodeClient(server.url, s1);
  const d2 = nodeClient(server.url, s2);
  const b = nodeClient(server.url, sb);
  const all: OttrClient[] = [d1, d2, b];
  try {
    await Promise.all(all.map((c) => c.connect()));
    const group = await b.conversations.createGroup({ title: 'Trip', members: [s1.accountId as never] });
    const gid = group.conversation.id;
    await until([d1, d2], () => d1.conversations.cached(gid)?.membership.status === 'active' && d2.conversations.cached(gid)?.membership.status === 'active', 'added, on both devices');

    const hi = b.messages.send(gid, 'hi both');
    await until(all, () => d1.messages.list(gid).length === 1 && d2.messages.list(gid).length === 1, 'B’s message on both');
    expect([d1, d2].map((d) => d.conversations.cached(gid)?.unreadCount)).toEqual([1, 1]);
    const fromD2 = d2.messages.send(gid, 'from the phone');
    await until(all, () => d1.messages.list(gid).length === 2 && b.messages.list(gid).length === 2, 'the phone’s message at the laptop and at B');
    expect(d1.messages.list(gid).map(textOf)).toEqual(['hi both', 'from the phone']);
    expect(d1.messages.list(gid)[1]).toMatchObject({ clientMsgId: fromD2.clientMsgId, sender: s1.accountId });

    const hiId = b.messages.list(gid).find((m) => m.clientMsgId === hi.clientMsgId)!.id!;
    await d1.messages.react(hiId, '🎉');
    await b.messages.edit(hiId, 'hi both (edited)');
    await until([d2], () => {
      const m = d2.messages.list(gid)[0];
      return m?.reactions[0]?.emoji === '🎉' && textOf(m) === 'hi both (edited)';
    }, 'the laptop’s reaction and B’s edit on the phone');

    await d1.messages.markRead(gid);
    await until([d2], () => d2.conversations.cached(gid)?.unreadCount === 0, 'read on the laptop clears the phone’s unread count');
    await until([b], () => b.messages.list(gid).find((m) => m.clientMsgId === hi.clientMsgId)?.status === 'read', 'B sees it read');

    await d2.conversations.archive(gid);
    await until([d1], () => d1.conversations.cached(gid)?.membership.archived === true, 'archived on both');
    expect(d1.conversations.list().map((i) => i.conversation.id)).not.toContain(gid);
    expect(d1.conversations.list({ archived: true }).map((i) => i.conversation.id)).toContain(gid);

    await b.conversations.setRole(gid, s1.accountId as never, 'admin');
    await until([d1, d2], () => d1.conversations.cached(gid)?.membership.role === 'admin' && d2.conversations.cached(gid)?.membership.role === 'admin', 'promoted on both');
    await b.conversations.removeMember(gid, s1.accountId as never);
    await until([d1, d2], () => d1.conversations.cached(gid)?.membership.status === 'removed' && d2.conversations.cached(gid)?.membership.status === 'removed', 'removed on both');
    b.messages.send(gid, 'after you left');
    await until([b], () => b.messages.pending().length === 0, 'sent after the removal');
    await Promise.all([d1.settled(), d2.settled()]);
    expect(d1.messages.list(gid).map(textOf)).toEqual(['hi both (edited)', 'from the phone']);
    expect(d2.messages.list(gid).map(textOf)).toEqual(['hi both (edited)', 'from the phone']);
  } finally {
    await Promise.all(all.map((c) => c.close()));
  }
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationEvent, ConversationId, ConversationListItem } from '@ottr/protocol';
import { startTestNode, type TestNode } from '../test-support/harness.js';
import { FrameError } from '../test-support/ws-client.js';

let t: TestNode;
beforeAll(async () => {
  t = await startTestNode();
});
afterAll(() => t.close());

async function direct(a: Awaited<ReturnType<TestNode['signIn']>>, b: { accountId: string }): Promise<ConversationId> {
  const res = await a.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'direct', peer: b.accountId });
  expect(res.status).toBe(200);
  return res.body.conversation.id;
}

const text = (s: string) => ({ kind: 'text' as const, text: s });

describe('realtime delivery', () => {
  it('delivers a message to every device of every member, the sender’s other devices included, not echoing the sending socket', async () => {
    const ada = await t.signIn();
    const ada2 = await t.signIn(ada.email, 'phone');
    const ben = await t.signIn();
    const cnv = await direct(ada, ben);
    const [a1, a2, b1] = await Promise.all([t.connect(ada), t.connect(ada2), t.connect(ben)]);

    const { event } = await a1.call<{ event: ConversationEvent }>({ type: 'send', conversationId: cnv, clientMsgId: 'm1', content: text('hello') });
    expect(event).toMatchObject({ type: 'message', seq: 2, sender: ada.accountId, content: { kind: 'text', text: 'hello' } });

    const onBen = await b1.next('event', (f) => f.event.id === event.id);
    const onAda2 = await a2.next('event', (f) => f.event.id === event.id);
    expect(onBen.event).toEqual(event);
    expect(onAda2.event).toEqual(event);
    await a1.call({ type: 'ping' });
    expect(a1.seen('event').filter((f) => f.event.id === event.id)).toHaveLength(0);
  });

  it('a duplicate clientMsgId yields one event, over WebSocket and REST alike', async () => {
    const ada = await t.signIn();
    const ben = await t.signIn();
    const cnv = await direct(ada, ben);
    const a = await t.connect(ada);
    const send = () => a.call<{ event: ConversationEvent }>({ type: 'send', conversationId: cnv, clientMsgId: 'same', content: text('once') });
    const [r1, r2] = await Promise.all([send(), send()]);
    const r3 = await ada.api<{ event: ConversationEvent }>('POST', `/v1/conversations/${cnv}/messages`, { clientMsgId: 'same', content: text('once') });
    expect(r2.event).toEqual(r1.event);
    expect(r3.body.event).toEqual(r1.event);
    const history = await ben.api<{ events: ConversationEvent[] }>('GET', `/v1/conversations/${cnv}/events`);
    expect(history.body.events.filter((e) => e.type === 'message')).toHaveLength(1);
  });

  it('delivered and read receipts reach the sender; pointers only move forward', async () => {
    const ada = await t.signIn();
    const ben = await t.signIn();
    const cnv = await direct(ada, ben);
    const [a, b] = await Promise.all([t.connect(ada), t.connect(ben)]);
    const { event } = await a.call<{ event: ConversationEvent }>({ type: 'send', conversationId: cnv, clientMsgId: 'r1', content: text('did you get it?') });
    await b.next('event', (f) => f.event.id === event.id);

    await b.call({ type: 'delivered', conversationId: cnv, seq: event.seq });
    expect(await a.next('receipt')).toMatchObject({ conversationId: cnv, accountId: ben.accountId, deliveredSeq: event.seq, readSeq: 0 });
    await b.call({ type: 'read', conversationId: cnv, seq: event.seq });
    expect(await a.next('receipt')).toMatchObject({ accountId: ben.accountId, deliveredSeq: event.seq, readSeq: event.seq });

    await b.call({ type: 'read', conversationId: cnv, seq: 1 }); // older: accepted, changes nothing
    await expect(b.call({ type: 'read', conversationId: cnv, seq: 99 })).rejects.toMatchObject({ code: 'bad_request' });
    const view = await ben.api<ConversationListItem>('GET', `/v1/conversations/${cnv}`);
    expect(view.body.membership).toMatchObject({ readSeq: event.seq, deliveredSeq: event.seq });
    expect(view.body.unreadCount).toBe(0);
  });

  it('a non-member can neither read, post, react, nor see typing or presence', async () => {
    const ada = await t.signIn();
    const ben = await t.signIn();
    const eve = await t.signIn();
    const cnv = await direct(ada, ben);
    const [a, b, e] = await Promise.all([t.connect(ada), t.connect(ben), t.connect(eve)]);
    const { event } = await a.call<{ event: ConversationEvent }>({ type: 'send', conversationId: cnv, clientMsgId: 'p', content: text('private') });

    await expect(e.call({ type: 'send', conversationId: cnv, clientMsgId: 'x', content: text('hi') })).rejects.toMatchObject({ code: 'not_member' });
    await expect(e.call({ type: 'react', messageId: event.id, emoji: '👍' })).rejects.toMatchObject({ code: 'not_member' });
    await expect(e.call({ type: 'typing', conversationId: cnv, state: 'typing' })).rejects.toMatchObject({ code: 'not_member' });
    await expect(e.call({ type: 'read', conversationId: cnv, seq: 1 })).rejects.toMatchObject({ code: 'not_member' });
    expect((await eve.api('GET', `/v1/conversations/${cnv}/events`)).status).toBe(403);
    expect((await eve.api('GET', `/v1/conversations/${cnv}`)).status).toBe(403);
    expect((await eve.api('GET', `/v1/messages/${event.id}/edits`)).status).toBe(403);
    const search = await eve.api<{ items: unknown[] }>('GET', '/v1/search?q=private');
    expect(search.body.items).toEqual([]);
    const presence = await e.call<{ presence: unknown[] }>({ type: 'presence_subscribe', accountIds: [ada.accountId] });
    expect(presence.presence).toEqual([{ accountId: ada.accountId, online: false, lastSeenAt: null }]);

    // Members do see typing and presence; the outsider's sockets got none of it.
    await b.call({ type: 'typing', conversationId: cnv, state: 'typing' });
    expect(await a.next('typing')).toMatchObject({ conversationId: cnv, accountId: ben.accountId, state: 'typing' });
    const seen = await a.call<{ presence: { online: boolean }[] }>({ type: 'presence_subscribe', accountIds: [ben.accountId] });
    expect(seen.presence[0]!.online).toBe(true);
    await e.call({ type: 'ping' });
    expect(e.seen('typing')).toEqual([]);
    expect(e.seen('event')).toEqual([]);
  });

  it('bad frames get error frames and the connection stays usable', async () => {
    const ada = await t.signIn();
    const a = await t.connect(ada);
    a.sendRaw('{not json');
    expect(await a.next('error')).toMatchObject({ code: 'malformed_json' });
    a.sendRaw(JSON.stringify({ type: 'teleport', id: 'x' }));
    expect(await a.next('error')).toMatchObject({ code: 'unknown_frame', id: 'x' });
    a.sendRaw(JSON.stringify({ type: 'read', id: 'y', conversationId: 'cnv_nope', seq: 'one' }));
    expect(await a.next('error')).toMatchObject({ code: 'validation_failed', id: 'y' });
    a.sendRaw(JSON.stringify({ type: 'ping', id: 'big', pad: 'x'.repeat(300 * 1024) }));
    expect(await a.next('error')).toMatchObject({ code: 'frame_too_large' });
    await expect(a.call({ type: 'send', conversationId: 'cnv_00000000000000000000000000' as ConversationId, clientMsgId: 'z', content: text('x') })).rejects.toBeInstanceOf(FrameError);
    expect(await a.call({ type: 'ping' })).toHaveProperty('serverTime');
  });
});

describe('operations', () => {
  it('health, readiness, OpenAPI and Prometheus metrics reflect the traffic', async () => {
    expect((await t.api('GET', '/healthz')).status).toBe(200);
    expect((await t.api('GET', '/readyz')).status).toBe(200);
    const doc = await t.api<{ openapi: string; paths: Record<string, Record<string, { operationId: string }>> }>('GET', '/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    const ops = Object.values(doc.body.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ops).toEqual(expect.arrayContaining(['sendMessage', 'sync', 'verifyCode', 'listEvents']));

    const ada = await t.signIn();
    const ben = await t.signIn();
    const cnv = await direct(ada, ben);
    const a = await t.connect(ada);
    await a.call({ type: 'send', conversationId: cnv, clientMsgId: 'metrics', content: text('count me') });
    const res = await fetch(`${t.url}/metrics`);
    const body = await res.text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(body)?.[1]);
    expect(value('messages_sent_total')).toBeGreaterThanOrEqual(1);
    expect(value('send_latency_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(value('ws_connections')).toBeGreaterThanOrEqual(1);
    expect(body).toMatch(/^http_requests_total\{route="verifyCode",status="200"\} \d+/m);
  });
});

// (b) 100 messages written while the client is not connected are shown at once as pending, are
// kept in the store (a restart loses none), and arrive in order after connect.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FileStore } from '@ottr/sdk/node';
import { startServer, type TestServer } from '../support/server.js';
import { nodeClient, textOf } from './helpers.js';
import { until } from './suite.js';

let server: TestServer;
let dir: string;
beforeAll(async () => {
  server = await startServer();
  dir = await mkdtemp(path.join(tmpdir(), 'ottr-sdk-offline-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

it('100 messages written offline show at once as pending, survive a restart and arrive in order', async () => {
  const [sa, sb] = await Promise.all([server.signIn(), server.signIn()]);
  const b = nodeClient(server.url, sb);
  const cid = (await b.conversations.openDirect(sa.accountId as never)).conversation.id;
  await b.connect();
  const file = path.join(dir, 'ada.json');

  const offline = nodeClient(server.url, sa, { store: new FileStore(file) });
  await offline.ready();
  const words = Array.from({ length: 100 }, (_, i) => `note ${i + 1}`);
  const returned = words.map((w) => offline.messages.send(cid, w));
  expect(returned.every((m) => m.status === 'pending' && m.id === null && m.seq === null)).toBe(true);
  expect(offline.messages.list(cid).map(textOf)).toEqual(words);
  expect(offline.messages.list(cid).every((m) => m.status === 'pending')).toBe(true);
  expect(offline.state).toBe('idle');
  await offline.close(); // the app quits before it ever connected

  const a = nodeClient(server.url, undefined, { store: new FileStore(file) });
  try {
    expect(await a.auth.restore()).toMatchObject({ accountId: sa.accountId });
    expect(a.messages.pending().map(textOf)).toEqual(words);
    const statuses: string[] = [];
    a.on('status', (s) => statuses.push(`${s.clientMsgId}:${s.status}`));
    await a.connect();
    await until([a, b], () => b.messages.list(cid).length === 100, 'all 100 at B', 30_000);
    expect(b.messages.list(cid).map(textOf)).toEqual(words);
    expect(b.messages.list(cid).every((m) => m.sender === sa.accountId)).toBe(true);
    await until([a], () => a.messages.pending().length === 0 && a.messages.list(cid).every((m) => m.status !== 'pending'), 'all sent');
    const sentIds = returned.map((m) => `${m.clientMsgId}:sent`);
    expect(statuses.filter((s) => s.endsWith(':sent'))).toEqual(sentIds);
    expect(a.messages.list(cid).map((m) => m.clientMsgId)).toEqual(returned.map((m) => m.clientMsgId));
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

it('a message the server refuses is failed with its code, and retry() sends it again once allowed', async () => {
  const [sa, sb] = await Promise.all([server.signIn(), server.signIn()]);
  const a = nodeClient(server.url, sa);
  const b = nodeClient(server.url, sb);
  try {
    const cid = (await a.conversations.openDirect(sb.accountId as never)).conversation.id;
    await Promise.all([a.connect(), b.connect()]);
    await b.blocks.block(sa.accountId as never);
    const m = a.messages.send(cid, 'you blocked me?');
    await until([a], () => a.messages.list(cid).find((x) => x.clientMsgId === m.clientMsgId)?.status === 'failed', 'failed');
    expect(a.messages.pending()).toMatchObject([{ clientMsgId: m.clientMsgId, status: 'failed', error: { code: 'blocked' } }]);
    const after = a.messages.send(cid, 'a later one fails too, on its own');
    await until([a], () => a.messages.list(cid).find((x) => x.clientMsgId === after.clientMsgId)?.status === 'failed', 'second failed');
    await b.blocks.unblock(sa.accountId as never);
    a.messages.retry(m.clientMsgId);
    await until([b], () => b.messages.list(cid).length === 1, 'the retried message at B');
    expect(b.messages.list(cid).map(textOf)).toEqual(['you blocked me?']);
    a.messages.discard(after.clientMsgId);
    await until([a], () => a.messages.pending().length === 0, 'nothing left in the outbox');
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

it('a long absence is synced in several pages (over 500 events), in order, each message once', async () => {
  const [sa, sb] = await Promise.all([server.signIn(), server.signIn()]);
  const a = nodeClient(server.url, sa);
  const b = nodeClient(server.url, sb);
  try {
    const cid = (await b.conversations.openDirect(sa.accountId as never)).conversation.id;
    await a.connect(); // a cursor to come back to
    a.disconnect();
    await b.connect();
    const texts = Array.from({ length: 620 }, (_, i) => `while away ${i}`);
    for (const t of texts) b.messages.send(cid, t);
    await until([b], () => b.messages.pending().length === 0, 'all sent', 60_000);
    const announced: string[] = [];
    const pages: string[] = [];
    a.on('message', (m) => announced.push(textOf(m.message)!));
    a.on('event', (e) => e.source === 'sync' && pages.push(String(e.event.seq)));
    await a.connect();
    await until([a], () => announced.length === texts.length, 'everything at A', 30_000);
    expect(announced).toEqual(texts);
    expect(pages.length).toBe(texts.length); // all of it came by sync, before live
    // The cache keeps the newest 500 per conversation; older ones come from history.
    expect(a.messages.list(cid).map(textOf)).toEqual(texts.slice(-500));
    const older = await a.messages.history(cid, { before: a.messages.list(cid)[0]!.seq!, limit: 100 });
    expect(older.messages.map(textOf)).toEqual(texts.slice(20, 120));
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}, 120_000);

/**
 * The SDK's core behaviours as a platform-neutral suite: it runs under vitest in Node
 * (suite.node.test.ts) and, bundled into a page, in Chromium (e2e/browser). No vitest, no node:*,
 * no DOM: only @ottr/sdk's core API, the global setTimeout and its own tiny assertions.
 */
import type { ClientEvents, ConversationId, LocalMessage, MessageStatus, OttrClient } from '@ottr/sdk';

/** A signed-in device, as the environment's signIn returns it. */
export interface SuiteSession {
  email: string;
  accountId: string;
  deviceId: string;
  accessToken: string;
  refreshToken: string;
}

/** What a platform gives the suite. */
export interface SuiteEnv {
  /** The server under test (REST and WebSocket). */
  baseUrl: string;
  /** Signs up a new account, or a new device of `email`. */
  signIn(email?: string): Promise<SuiteSession>;
  /** A platform-specific client for the session, with a fresh store. */
  client(session: SuiteSession): OttrClient;
}

/** One case of the suite. */
export interface SuiteCase {
  name: string;
  run(env: SuiteEnv): Promise<void>;
}

// ---- tiny assertions ------------------------------------------------------------------------

/** Thrown by the suite's assertions. */
export class SuiteAssertionError extends Error {
  override readonly name = 'SuiteAssertionError';
}

function fail(message: string): never {
  throw new SuiteAssertionError(message);
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) fail(message);
}

/** Deep equality through JSON (the values here are plain data). */
export function assertEqual<T>(actual: T, expected: T, message: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) fail(`${message}\n  expected: ${e}\n  actual:   ${a}`);
}

const WATCHED: (keyof ClientEvents)[] = ['state', 'message', 'status', 'conversations', 'receipt', 'membership', 'event', 'session', 'edit', 'delete', 'reaction', 'system', 'typing', 'presence'];

/**
 * Resolves once `check()` is true, re-checking whenever one of `clients` emits an event; fails
 * after `timeoutMs` naming `what`.
 */
export function until(clients: OttrClient[], check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const offs: (() => void)[] = [];
    const finish = (err?: Error) => {
      offs.forEach((off) => off());
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    };
    const test = () => {
      let ok = false;
      try {
        ok = check();
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (ok) finish();
    };
    const timer = setTimeout(() => finish(new SuiteAssertionError(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    for (const c of clients) for (const name of WATCHED) offs.push(c.on(name, () => void Promise.resolve().then(test)));
    test();
  });
}

const texts = (messages: LocalMessage[]) => messages.map((m) => (m.content?.kind === 'text' ? m.content.text : null));

/** Records every status each clientMsgId went through. */
function statusLog(client: OttrClient): Map<string, MessageStatus[]> {
  const log = new Map<string, MessageStatus[]>();
  client.on('status', (s) => {
    const seen = log.get(s.clientMsgId) ?? [];
    if (seen.at(-1) !== s.status) seen.push(s.status);
    log.set(s.clientMsgId, seen);
  });
  return log;
}

const ORDER: Record<MessageStatus, number> = { failed: -1, pending: 0, sent: 1, delivered: 2, read: 3 };

function assertForward(log: Map<string, MessageStatus[]>, what: string): void {
  for (const [id, seen] of log) {
    for (let i = 1; i < seen.length; i++) {
      assert(ORDER[seen[i]!] > ORDER[seen[i - 1]!], `${what}: status of ${id} went backwards: ${seen.join(' → ')}`);
    }
  }
}

/** Two accounts with a direct chat, both clients connected. */
async function pair(env: SuiteEnv): Promise<{ a: OttrClient; b: OttrClient; cid: ConversationId; done: () => Promise<void> }> {
  const [sa, sb] = await Promise.all([env.signIn(), env.signIn()]);
  const a = env.client(sa);
  const b = env.client(sb);
  const chat = await a.conversations.openDirect(sb.accountId as never);
  await Promise.all([a.connect(), b.connect()]);
  return { a, b, cid: chat.conversation.id, done: () => Promise.all([a.close(), b.close()]).then(() => undefined) };
}

function received(client: OttrClient, cid: ConversationId): LocalMessage[] {
  return client.messages.list(cid).filter((m) => m.status === null);
}

// ---- the cases ------------------------------------------------------------------------------

export const sdkSuite: SuiteCase[] = [
  {
    name: 'a message goes out, arrives once, and its status moves to sent, delivered, read',
    async run(env) {
      const { a, b, cid, done } = await pair(env);
      try {
        const log = statusLog(a);
        let arrivals = 0;
        b.on('message', (m) => {
          if (m.conversationId === cid) arrivals++;
        });
        const sent = a.messages.send(cid, 'hello Ben');
        assertEqual(sent.status, 'pending', 'send() returns a pending message at once');
        await until([a, b], () => received(b, cid).length === 1, 'the message at B');
        assertEqual(texts(received(b, cid)), ['hello Ben'], 'B has the text');
        await until([a], () => a.messages.list(cid).find((m) => m.clientMsgId === sent.clientMsgId)?.status === 'delivered', 'delivered at A');
        await b.messages.markRead(cid);
        await until([a], () => a.messages.list(cid).find((m) => m.clientMsgId === sent.clientMsgId)?.status === 'read', 'read at A');
        assertEqual(log.get(sent.clientMsgId), ['pending', 'sent', 'delivered', 'read'], 'every status once, in order');
        assertEqual(arrivals, 1, 'B was told once');
        assertEqual(b.conversations.cached(cid)?.unreadCount, 0, 'B has nothing unread after markRead');
      } finally {
        await done();
      }
    },
  },
  {
    name: 'messages written offline show at once as pending and go out in order after connect',
    async run(env) {
      const [sa, sb] = await Promise.all([env.signIn(), env.signIn()]);
      const b = env.client(sb);
      const chat = await b.conversations.openDirect(sa.accountId as never);
      const cid = chat.conversation.id;
      await b.connect();
      const a = env.client(sa);
      try {
        await a.ready();
        const words = Array.from({ length: 30 }, (_, i) => `offline ${i + 1}`);
        for (const w of words) a.messages.send(cid, w);
        const local = a.messages.list(cid);
        assertEqual(texts(local), words, 'the outbox shows every message in order before any connection');
        assert(local.every((m) => m.status === 'pending'), 'all pending while offline');
        assertEqual(a.messages.pending().length, words.length, 'pending() lists them');
        await a.connect();
        await until([a, b], () => received(b, cid).length === words.length, 'all offline messages at B');
        assertEqual(texts(received(b, cid)), words, 'B got them in the order written');
        const seqs = received(b, cid).map((m) => m.seq!);
        assert(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!), 'seqs increase');
        await until([a], () => a.messages.list(cid).every((m) => m.status === 'sent' || m.status === 'delivered' || m.status === 'read'), 'statuses at A past pending');
        assertEqual(a.messages.pending().length, 0, 'the outbox is empty');
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    },
  },
  {
    name: 'events that come both live and by sync are applied once',
    async run(env) {
      const { a, b, cid, done } = await pair(env);
      try {
        const seen = new Map<string, number>();
        b.on('message', (m) => seen.set(m.message.id!, (seen.get(m.message.id!) ?? 0) + 1));
        for (let i = 1; i <= 5; i++) a.messages.send(cid, `live ${i}`);
        await until([a, b], () => received(b, cid).length === 5, 'five live messages at B');
        // B's saved cursor predates these five: its next sync returns them again.
        b.disconnect();
        for (let i = 1; i <= 5; i++) a.messages.send(cid, `synced ${i}`);
        await until([a], () => a.messages.pending().length === 0, 'A sent the second five');
        await b.connect();
        await until([b], () => received(b, cid).length === 10, 'ten messages at B');
        await b.settled();
        assertEqual(texts(received(b, cid)), [1, 2, 3, 4, 5].map((i) => `live ${i}`).concat([1, 2, 3, 4, 5].map((i) => `synced ${i}`)), 'each once, in order');
        assertEqual([...seen.values()].filter((n) => n !== 1), [], 'one message event per message');
        assertEqual(seen.size, 10, 'ten message events');
      } finally {
        await done();
      }
    },
  },
  {
    name: 'statuses only move forward, for many messages both ways',
    async run(env) {
      const { a, b, cid, done } = await pair(env);
      try {
        const logA = statusLog(a);
        const logB = statusLog(b);
        for (let i = 0; i < 20; i++) {
          a.messages.send(cid, `a${i}`);
          b.messages.send(cid, `b${i}`);
        }
        await until([a, b], () => received(a, cid).length === 20 && received(b, cid).length === 20, 'all forty messages');
        await Promise.all([a.messages.markRead(cid), b.messages.markRead(cid)]);
        const allRead = (c: OttrClient) => c.messages.list(cid).filter((m) => m.status !== null).every((m) => m.status === 'read');
        await until([a, b], () => allRead(a) && allRead(b), 'every message read on both sides');
        assertForward(logA, 'A');
        assertForward(logB, 'B');
        const order = (c: OttrClient) => c.messages.list(cid).map((m) => m.seq);
        assertEqual(order(a), order(b), 'both sides hold the same messages in the same order');
      } finally {
        await done();
      }
    },
  },
  {
    name: 'two devices of one account stay in step: messages, read state, memberships',
    async run(env) {
      const sa1 = await env.signIn();
      const [sa2, sb] = await Promise.all([env.signIn(sa1.email), env.signIn()]);
      assert(sa1.accountId === sa2.accountId && sa1.deviceId !== sa2.deviceId, 'two devices of one account');
      const a1 = env.client(sa1);
      const a2 = env.client(sa2);
      const b = env.client(sb);
      try {
        const chat = await b.conversations.openDirect(sa1.accountId as never);
        const cid = chat.conversation.id;
        await Promise.all([a1.connect(), a2.connect(), b.connect()]);
        b.messages.send(cid, 'to both of your devices');
        await until([a1, a2], () => received(a1, cid).length === 1 && received(a2, cid).length === 1, 'B’s message on both devices');
        await until([a2], () => a2.conversations.cached(cid)?.unreadCount === 1, 'one unread on device 2');
        const fromA1 = a1.messages.send(cid, 'written on device 1');
        await until([a2, b], () => a2.messages.list(cid).some((m) => m.clientMsgId === fromA1.clientMsgId) && received(b, cid).length === 1, 'device 1’s message on device 2 and at B');
        assertEqual(a2.messages.list(cid).find((m) => m.clientMsgId === fromA1.clientMsgId)?.sender, sa1.accountId, 'shown as your own on device 2');
        await a1.messages.markRead(cid);
        await until([a2], () => a2.conversations.cached(cid)?.unreadCount === 0, 'reading on device 1 clears device 2’s unread count');
        const group = await a1.conversations.createGroup({ title: 'Climbing', members: [sb.accountId as never] });
        const gid = group.conversation.id;
        await until([a2, b], () => a2.conversations.list().some((i) => i.conversation.id === gid) && b.conversations.list().some((i) => i.conversation.id === gid), 'the new group on device 2 and at B');
        await a1.conversations.pin(gid);
        await until([a2], () => a2.conversations.cached(gid)?.membership.pinned === true, 'pinned on device 2');
        assertEqual(a2.conversations.list()[0]?.conversation.id, gid, 'pinned first in device 2’s list');
        await a1.conversations.leave(gid);
        await until([a2], () => a2.conversations.cached(gid)?.membership.status === 'left', 'left on device 2');
        assert(!a2.conversations.list().some((i) => i.conversation.id === gid), 'gone from device 2’s list');
      } finally {
        await Promise.all([a1.close(), a2.close(), b.close()]);
      }
    },
  },
  {
    name: 'after the server closes the socket, the client reconnects, syncs and sends what waited',
    async run(env) {
      const { a, b, cid, done } = await pair(env);
      try {
        const states: string[] = [];
        a.on('state', (s) => states.push(s.state));
        // A frame over 1 MiB makes the server close the socket (1009): a server-side close.
        a.sendFrame({ type: 'ping', id: 'too-big', pad: 'x'.repeat(1_100_000) });
        await until([a], () => states.includes('backing-off'), 'the drop');
        b.messages.send(cid, 'while you were away');
        const queued = a.messages.send(cid, 'queued during the drop');
        await until([a], () => a.state === 'live' && states.lastIndexOf('live') > states.indexOf('backing-off'), 'live again');
        await until([a, b], () => received(a, cid).length === 1 && received(b, cid).length === 1, 'both messages through');
        assertEqual(texts(received(a, cid)), ['while you were away'], 'A got B’s message');
        assertEqual(texts(received(b, cid)), ['queued during the drop'], 'B got the queued one, once');
        await until([a], () => a.messages.list(cid).find((m) => m.clientMsgId === queued.clientMsgId)?.status !== 'pending', 'the queued message no longer pending');
        assert(states.includes('connecting') && states.includes('authenticating') && states.includes('syncing'), `went through the states: ${states.join(', ')}`);
      } finally {
        await done();
      }
    },
  },
];

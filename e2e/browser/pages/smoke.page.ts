// Runs in the page (bundled by harness.browser.test.ts): raw WebSocket and IndexedDB on the
// node's origin, with nothing of the SDK, to prove the harness itself.
import type { ConversationListItem, MessageEvent as OttrMessage, ReadyFrame, ServerFrame } from '@ottr/protocol';
import { baseUrl, signIn } from '../support/page-env.js';

/** A protocol socket: requests by id, pushed frames kept until taken. */
class Socket {
  private readonly pushed: ServerFrame[] = [];
  private readonly waiters: { match: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  private nextId = 1;

  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener('message', (e: MessageEvent<string>) => {
      const frame = JSON.parse(e.data) as ServerFrame;
      const i = this.waiters.findIndex((w) => w.match(frame));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(frame);
      else this.pushed.push(frame);
    });
  }

  /** Opens `/v1/ws` on the page's origin and authenticates; resolves with the `ready` frame. */
  static async open(accessToken: string): Promise<{ socket: Socket; ready: ReadyFrame }> {
    const ws = new WebSocket(`${baseUrl().replace(/^http/, 'ws')}/v1/ws`);
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener('open', () => resolve(), { once: true });
      ws.addEventListener('error', () => reject(new Error('WebSocket failed to open')), { once: true });
    });
    const socket = new Socket(ws);
    const ready = await socket.request({ type: 'auth', token: accessToken, protocol: 1 });
    if (ready.type !== 'ready') throw new Error(`auth answered ${JSON.stringify(ready)}`);
    return { socket, ready };
  }

  /** Sends a request frame and resolves with the frame that answers its id. */
  request(frame: Record<string, unknown>): Promise<ServerFrame> {
    const id = `p${this.nextId++}`;
    const answer = this.next((f) => 'id' in f && f.id === id);
    this.ws.send(JSON.stringify({ ...frame, id }));
    return answer;
  }

  /** The first frame (already pushed or future) that matches, within 5 s. */
  next(match: (f: ServerFrame) => boolean): Promise<ServerFrame> {
    const i = this.pushed.findIndex(match);
    if (i >= 0) return Promise.resolve(this.pushed.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching frame within 5000 ms')), 5000);
      this.waiters.push({ match, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  close(): void {
    this.ws.close(1000);
  }
}

async function api<T>(token: string, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${baseUrl()}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${route} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * Two accounts signed in through the exposed `signIn`, a direct chat between them, one socket
 * each: A sends `text`, B receives it. Returns what each side saw.
 */
export async function sendAndReceive(text: string) {
  const [ada, bob] = await Promise.all([signIn(), signIn()]);
  const chat = await api<ConversationListItem>(ada.accessToken, 'POST', '/v1/conversations', { kind: 'direct', peer: bob.accountId });
  const [a, b] = await Promise.all([Socket.open(ada.accessToken), Socket.open(bob.accessToken)]);
  try {
    const received = b.socket.next((f) => f.type === 'event' && f.event.type === 'message');
    const result = await a.socket.request({ type: 'send', conversationId: chat.conversation.id, clientMsgId: crypto.randomUUID(), content: { kind: 'text', text } });
    if (result.type !== 'result') throw new Error(`send answered ${JSON.stringify(result)}`);
    const sent = (result.result as { event: OttrMessage }).event;
    const pushed = await received;
    const got = pushed.type === 'event' ? (pushed.event as OttrMessage) : null;
    return {
      origin: location.origin,
      readyAccounts: [a.ready.accountId, b.ready.accountId],
      accounts: [ada.accountId, bob.accountId],
      sent: { id: sent.id, seq: sent.seq, sender: sent.sender },
      received: got && { id: got.id, seq: got.seq, sender: got.sender, content: got.content },
    };
  } finally {
    a.socket.close();
    b.socket.close();
  }
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function openDb(name: string): Promise<IDBDatabase> {
  const req = indexedDB.open(name, 1);
  req.onupgradeneeded = () => req.result.createObjectStore('kv');
  return request(req);
}

/** Writes a record, closes the database, opens it again and reads the record back. */
export async function indexedDbRoundTrip(value: { cursor: string; seqs: number[] }) {
  const name = `ottr-smoke-${crypto.randomUUID()}`;
  const db = await openDb(name);
  const tx = db.transaction('kv', 'readwrite');
  tx.objectStore('kv').put(value, 'state');
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('transaction failed'));
  });
  db.close();

  const again = await openDb(name);
  const read = await request<unknown>(again.transaction('kv').objectStore('kv').get('state'));
  again.close();
  const listed = (await indexedDB.databases()).some((d) => d.name === name);
  await request(indexedDB.deleteDatabase(name));
  return { origin: location.origin, read, listed };
}

/** Throws from a nested function: the test checks the message and the mapped stack. */
export async function failOnPurpose(message: string): Promise<never> {
  await Promise.resolve();
  return nested(message);
}

function nested(message: string): never {
  throw new Error(message);
}

/** Throws outside any call (an uncaught error the harness must notice). */
export function throwUncaught(message: string): void {
  setTimeout(() => {
    throw new Error(message);
  }, 0);
}

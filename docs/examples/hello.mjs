// A first conversation with a running ottr server, using nothing but Node 20 and `ws`:
// two people sign up by email (codes read from the development outbox), open a direct
// chat, and exchange a message over WebSockets with delivered and read receipts.
//
//   npm start                          # in one terminal (data in ./data)
//   node docs/examples/hello.mjs       # in another
//
// OTTR_URL (default http://localhost:8080) and OTTR_DATA_DIR (default ./data) point it elsewhere.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import WebSocket from 'ws';

const base = process.env.OTTR_URL ?? 'http://localhost:8080';
const outbox = path.join(process.env.OTTR_DATA_DIR ?? 'data', 'dev-outbox.log');

async function call(method, route, body, token) {
  const res = await fetch(base + route, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = res.status === 204 ? null : await res.json();
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function signIn(email, name) {
  await call('POST', '/v1/auth/code', { email });
  // On a development server the code goes to the log and to data/dev-outbox.log.
  const line = (await readFile(outbox, 'utf8')).trim().split('\n').reverse().find((l) => l.split('\t')[2] === email);
  const session = await call('POST', '/v1/auth/verify', { email, code: line.split('\t')[3], device: { name } });
  await call('PATCH', '/v1/me', { displayName: name }, session.accessToken);
  return session;
}

function connect(token) {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/v1/ws`);
  const pending = new Map();
  const listeners = [];
  let n = 0;
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.id && pending.has(frame.id)) {
      const { resolve, reject } = pending.get(frame.id);
      pending.delete(frame.id);
      frame.type === 'error' ? reject(new Error(frame.code)) : resolve(frame.result ?? frame);
    } else listeners.forEach((l) => l(frame));
  });
  const request = (frame) =>
    new Promise((resolve, reject) => {
      const id = String(++n);
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ ...frame, id }));
    });
  const next = (type) => new Promise((resolve) => listeners.push(function l(f) {
    if (f.type === type) { listeners.splice(listeners.indexOf(l), 1); resolve(f); }
  }));
  return new Promise((resolve) => ws.once('open', async () => {
    await request({ type: 'auth', token });
    resolve({ ws, request, next });
  }));
}

const stamp = Date.now();
const ada = await signIn(`ada+${stamp}@example.com`, 'Ada');
const ben = await signIn(`ben+${stamp}@example.com`, 'Ben');
const chat = await call('POST', '/v1/conversations', { kind: 'direct', peer: ben.accountId }, ada.accessToken);
const conversationId = chat.conversation.id;

const adaWs = await connect(ada.accessToken);
const benWs = await connect(ben.accessToken);

const incoming = benWs.next('event');
const { event } = await adaWs.request({ type: 'send', conversationId, clientMsgId: `hello-${stamp}`, content: { kind: 'text', text: 'Hello Ben! https://example.com' } });
console.log(`Ada sent seq ${event.seq} ✓`);
const got = await incoming;
console.log(`Ben received: "${got.event.content.text}" (links: ${got.event.content.links.map((l) => l.url).join(', ')})`);

let receipt = adaWs.next('receipt');
await benWs.request({ type: 'delivered', conversationId, seq: got.event.seq });
console.log(`Ada sees delivered ✓✓ up to seq ${(await receipt).deliveredSeq}`);
receipt = adaWs.next('receipt');
await benWs.request({ type: 'read', conversationId, seq: got.event.seq });
console.log(`Ada sees read up to seq ${(await receipt).readSeq}`);

const history = await call('GET', `/v1/conversations/${conversationId}/events`, undefined, ben.accessToken);
console.log(`History has ${history.events.length} events: ${history.events.map((e) => e.type).join(', ')}`);
adaWs.ws.close();
benWs.ws.close();

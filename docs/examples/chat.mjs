// A terminal chat client on @ottr/sdk: one direct chat with someone, by email. It shows the
// latest history, then every new message as it comes (with ✓ sent, ✓✓ delivered, read for yours),
// and sends each line you type. Lines typed while offline wait in the outbox (kept in a file)
// and go out, in order, once the connection is back. Ctrl-D quits.
//
//   node --import tsx docs/examples/chat.mjs ada@example.com ben@example.com
//
// OTTR_URL (default http://localhost:8080), OTTR_CHAT_STORE (default ./chat-<your email>.json);
// sign-in codes are read from the development outbox in OTTR_DATA_DIR (default ./data), or typed
// in when it is not there.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { createClient } from '@ottr/sdk/node';

const [email, peerEmail] = process.argv.slice(2);
if (!email || !peerEmail) {
  console.error('usage: chat.mjs <your email> <their email>');
  process.exit(2);
}
const rl = readline.createInterface({ input: process.stdin, terminal: false });
const lines = rl[Symbol.asyncIterator]();
const client = createClient({
  baseUrl: process.env.OTTR_URL ?? 'http://localhost:8080',
  storePath: process.env.OTTR_CHAT_STORE ?? `chat-${email}.json`,
});

async function codeFor(to) {
  try {
    const outbox = path.join(process.env.OTTR_DATA_DIR ?? 'data', 'dev-outbox.log');
    const line = (await readFile(outbox, 'utf8')).trim().split('\n').reverse().find((l) => l.split('\t')[2] === to);
    if (line) return line.split('\t')[3];
  } catch {
    // not a development server on this machine
  }
  process.stdout.write(`code sent to ${to}: `);
  return (await lines.next()).value.trim();
}

if (!(await client.auth.restore())) {
  await client.auth.requestCode({ email });
  await client.auth.verify({ email, code: await codeFor(email), deviceName: 'terminal' });
}
const me = client.session.accountId;
const chat = await client.conversations.openDirect({ email: peerEmail });
const cid = chat.conversation.id;

const TICKS = { pending: '…', sent: '✓', delivered: '✓✓', read: 'read', failed: '✗' };
const show = (m) => console.log(`${m.sender === me ? 'you' : peerEmail}: ${m.content?.kind === 'text' ? m.content.text : `[${m.content?.kind ?? 'deleted'}]`}${m.status ? `  ${TICKS[m.status]}` : ''}`);

client.on('state', ({ state }) => state !== 'live' && console.log(`(${state})`));
client.on('message', ({ conversationId, message }) => {
  if (conversationId !== cid) return;
  show(message);
  void client.messages.markRead(cid, message.seq);
});
client.on('status', ({ conversationId, message, status, previous }) => {
  if (conversationId === cid && previous !== null) console.log(`  ${TICKS[status]} ${message.content?.kind === 'text' ? message.content.text : ''}`);
});
client.on('typing', ({ conversationId, state }) => conversationId === cid && state === 'typing' && console.log(`(${peerEmail} is typing)`));

void client.connect().catch((err) => console.error(`cannot connect: ${err.code}`));
for (const m of (await client.messages.history(cid, { limit: 20 })).messages) show(m);

for (let next = await lines.next(); !next.done; next = await lines.next()) {
  const text = next.value.trim();
  if (text) client.messages.send(cid, text);
}
// Ctrl-D: give what is waiting up to 5 s to go out (it stays saved for next time anyway).
let timer;
await Promise.race([
  new Promise((resolve) => {
    const check = () => !client.messages.pending().some((m) => m.status === 'pending') && resolve();
    client.on('status', check);
    check();
  }),
  new Promise((resolve) => (timer = setTimeout(resolve, 5000))),
]);
clearTimeout(timer);
await client.close();

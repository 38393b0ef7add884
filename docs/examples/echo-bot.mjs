// An echo bot on @ottr/sdk. It signs in by email (on a development server the code is read
// from the server's dev outbox), keeps its session, sync cursor and outbox in a file (so a
// restart neither signs in again nor misses what arrived meanwhile), and answers every text
// message with a reply. "/quit" makes it say bye and stop.
//
//   npm start                                         # the server, in another terminal
//   node --import tsx docs/examples/echo-bot.mjs      # the bot
//
// OTTR_URL (default http://localhost:8080), OTTR_DATA_DIR (the server's data directory, default
// ./data), OTTR_BOT_EMAIL (default echo-bot@example.com), OTTR_BOT_STORE (default ./echo-bot.json).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createClient } from '@ottr/sdk/node';

const email = process.env.OTTR_BOT_EMAIL ?? 'echo-bot@example.com';
const bot = createClient({
  baseUrl: process.env.OTTR_URL ?? 'http://localhost:8080',
  storePath: process.env.OTTR_BOT_STORE ?? 'echo-bot.json',
});

/** The latest sign-in code for `to` in the development outbox (<time>\t<channel>\t<to>\t<code>). */
async function devCode(to) {
  const outbox = path.join(process.env.OTTR_DATA_DIR ?? 'data', 'dev-outbox.log');
  const line = (await readFile(outbox, 'utf8')).trim().split('\n').reverse().find((l) => l.split('\t')[2] === to);
  return line.split('\t')[3];
}

/** Resolves when a message written on this device has left the outbox (sent or failed). */
function settled(clientMsgId) {
  return new Promise((resolve) => {
    const off = bot.on('status', (s) => {
      if (s.clientMsgId === clientMsgId && s.status !== 'pending') {
        off();
        resolve(s.status);
      }
    });
  });
}

// Sign in once; later runs restore the saved session.
if (!(await bot.auth.restore())) {
  await bot.auth.requestCode({ email });
  await bot.auth.verify({ email, code: await devCode(email), deviceName: 'echo bot' });
  await bot.profile.update({ displayName: 'Echo bot' });
}
const me = bot.session.accountId;

bot.on('state', ({ state, delayMs }) => console.log(`[${state}]${delayMs !== undefined ? ` next try in ${delayMs} ms` : ''}`));
bot.on('session', (e) => e.type === 'ended' && console.log(`signed out by the server (${e.reason})`));
bot.on('message', async ({ conversationId, message }) => {
  // Messages written on this device come as `status` events, not here; skip our own other devices too.
  if (message.sender === me || message.content?.kind !== 'text') return;
  const text = message.content.text;
  console.log(`< ${text}`);
  await bot.messages.markRead(conversationId, message.seq);
  if (text === '/quit') {
    const bye = bot.messages.send(conversationId, 'bye');
    await settled(bye.clientMsgId);
    await bot.close();
    console.log('stopped');
    return;
  }
  const reply = bot.messages.reply(message, `echo: ${text}`);
  console.log(`> echo: ${text} (${await settled(reply.clientMsgId)})`);
});

await bot.connect();
console.log(`echo bot ready as ${email} (${me})`);

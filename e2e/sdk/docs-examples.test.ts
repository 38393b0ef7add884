// The runnable examples of docs/sdk.md, run as a reader would run them (node --import tsx), against
// a real server: the echo bot (including a restart that finds what arrived while it was away) and
// the terminal chat client.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConversationId, OttrClient } from '@ottr/sdk/node';
import { startServer, type TestServer } from '../support/server.js';
import { nodeClient, textOf } from './helpers.js';
import { until } from './suite.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let server: TestServer;
let dir: string;
beforeAll(async () => {
  server = await startServer();
  dir = await mkdtemp(path.join(tmpdir(), 'ottr-sdk-examples-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  /** Resolves when stdout has a line containing `text`. */
  waitFor(text: string): Promise<void>;
  exit: Promise<number | null>;
}

function run(script: string, args: string[], env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, env: { ...process.env, OTTR_URL: server.url, OTTR_DATA_DIR: server.dataDir, ...env } });
  let out = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of [...waiters]) {
      if (!out.includes(w.text)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exit,
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        if (out.includes(text)) return resolve();
        waiters.push({ text, resolve });
        void exit.then((code) => reject(new Error(`exited (${code}) before printing "${text}":\n${out}`)));
      }),
  };
}

const inChat = (c: OttrClient, cid: ConversationId) => c.messages.list(cid).map(textOf);

it('docs/examples/echo-bot.mjs answers with replies, reads what it answers, and picks up after a restart', async () => {
  const botEmail = `echo-${Date.now()}@example.com`;
  const env = { OTTR_BOT_EMAIL: botEmail, OTTR_BOT_STORE: path.join(dir, 'bot.json') };
  let bot = run('docs/examples/echo-bot.mjs', [], env);
  const user = nodeClient(server.url, await server.signIn());
  try {
    await bot.waitFor(`echo bot ready as ${botEmail}`);
    await user.connect();
    const cid = (await user.conversations.openDirect({ email: botEmail })).conversation.id;
    const hello = user.messages.send(cid, 'hello');
    await until([user], () => inChat(user, cid).includes('echo: hello'), 'the echo');
    const echo = user.messages.list(cid).find((m) => textOf(m) === 'echo: hello')!;
    const mine = user.messages.list(cid).find((m) => m.clientMsgId === hello.clientMsgId)!;
    expect(echo.replyTo).toEqual({ messageId: mine.id, seq: mine.seq });
    await until([user], () => user.messages.list(cid).find((m) => m.clientMsgId === hello.clientMsgId)?.status === 'read', 'read by the bot');

    user.messages.send(cid, '/quit');
    await until([user], () => inChat(user, cid).includes('bye'), 'bye');
    expect(await bot.exit).toBe(0);
    expect(bot.output()).toContain('stopped');

    // While the bot is away, a message waits on the server; the restarted bot syncs and answers it.
    user.messages.send(cid, 'still there?');
    bot = run('docs/examples/echo-bot.mjs', [], env);
    await until([user], () => inChat(user, cid).includes('echo: still there?'), 'the echo after the restart', 30_000);
    expect(bot.output()).toContain('< still there?');
    user.messages.send(cid, '/quit');
    expect(await bot.exit).toBe(0);
    expect(inChat(user, cid)).toEqual(['hello', 'echo: hello', '/quit', 'bye', 'still there?', 'echo: still there?', '/quit', 'bye']);
  } finally {
    bot.child.kill();
    await user.close();
  }
}, 90_000);

it('docs/examples/chat.mjs sends what is typed and shows what comes', async () => {
  const ben = await server.signIn();
  const benClient = nodeClient(server.url, ben);
  const adaEmail = `ada-${Date.now()}@example.com`;
  const chat = run('docs/examples/chat.mjs', [adaEmail, ben.email], { OTTR_CHAT_STORE: path.join(dir, 'ada.json') });
  try {
    await benClient.connect();
    chat.child.stdin.write('hi Ben\n');
    await until([benClient], () => benClient.conversations.list().length === 1 && benClient.messages.list(benClient.conversations.list()[0]!.conversation.id).length === 1, 'Ada’s line at Ben', 30_000);
    const cid = benClient.conversations.list()[0]!.conversation.id;
    expect(inChat(benClient, cid)).toEqual(['hi Ben']);
    benClient.messages.send(cid, 'hello Ada');
    await chat.waitFor(`${ben.email}: hello Ada`);
    await chat.waitFor('✓✓ hi Ben');
    await benClient.messages.markRead(cid);
    await chat.waitFor('read hi Ben');
    chat.child.stdin.end();
    expect(await chat.exit).toBe(0);
  } finally {
    chat.child.kill();
    await benClient.close();
  }
}, 90_000);

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { cleanup, startServer, User, type TestServer } from '../test-support/harness.js';

let server: TestServer;
let ada: User;
let ben: User;
// Access tokens live 1.5 s: every command below runs on refreshed tokens.
const ENV = { OTTR_ACCESS_TOKEN_TTL_MS: '1500' };
beforeAll(async () => {
  server = await startServer(ENV);
  [ada, ben] = await Promise.all([User.create(server), User.create(server)]);
  await Promise.all([ada.login('ada@example.com'), ben.login('ben@example.com')]);
}, 90_000);
afterAll(cleanup);

const stored = async (u: User) =>
  (JSON.parse(await readFile(path.join(u.configDir, 'profiles', 'default.json'), 'utf8')) as { session: { refreshToken: string; accessToken: string } }).session;

async function inProcess(u: User, argv: string[], env: Record<string, string> = {}, tty = false) {
  let out = '';
  let err = '';
  const code = await main(argv, {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env: { OTTR_CONFIG_DIR: u.configDir, ...env },
    stdoutIsTTY: tty,
    stderrIsTTY: tty,
  });
  return { code, out, err };
}

describe('sessions over time', { timeout: 90_000 }, () => {
  it('expired tokens are refreshed and written back; processes sharing a profile refresh once (the device is not revoked)', async () => {
    const before = await stored(ada);
    await new Promise((r) => setTimeout(r, 1600));
    // Three commands at once in this process (separate SDK clients, like separate processes):
    // each loaded the same refresh token before any of them refreshed.
    const runs = await Promise.all([inProcess(ada, ['chats', '--json']), inProcess(ada, ['chats', '--json']), inProcess(ada, ['whoami', '--json'])]);
    for (const r of runs) expect([r.code, r.err]).toEqual([0, '']);
    const after = await stored(ada);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessToken).not.toBe(before.accessToken);
    // The stored refresh token is the live one: the next refresh works too.
    await new Promise((r) => setTimeout(r, 1600));
    expect((await ada.run(['whoami'])).code).toBe(0);
  });

  it('tail reconnects by itself after the server restarts, says so on stderr, and keeps delivering', async () => {
    const tail = ben.start(['tail', '--json']);
    await tail.waitStderr('live');
    await server.stop();
    await tail.waitStderr('connection lost');
    server = await startServer(ENV, server);
    await tail.waitStderr('reconnected', 30_000);
    const sent = JSON.parse((await ada.run(['send', 'ben@example.com', 'after the restart', '--json'])).stdout) as { messageId: string };
    const line = JSON.parse(await tail.nextLine((l) => l.includes(sent.messageId))) as { type: string; event: { content: { text: string } } };
    expect(line).toMatchObject({ type: 'event', event: { content: { text: 'after the restart' } } });
    tail.child.kill('SIGINT');
    expect(await tail.exited).toBe(0);
  });

  it('colours a terminal, not a pipe, and never with NO_COLOR', async () => {
    const run = async (env: Record<string, string>) => inProcess(ada, ['chats'], env, true);
    const tty = await run({});
    expect(tty.code).toBe(0);
    expect(tty.out).toContain('\u001b[1m'); // bold header
    const plain = await run({ NO_COLOR: '1' });
    expect(plain.code).toBe(0);
    expect(plain.out).not.toContain('\u001b[');
  });
});

import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, startServer, User, type TestServer } from '../test-support/harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
}, 90_000);
afterAll(cleanup);

describe('ottr login / whoami / logout', { timeout: 90_000 }, () => {
  it('signs in with --send-code then --code, stores the session 0600 in a 0700 directory, whoami shows it', async () => {
    const ada = await User.create(server);
    const sent = await ada.run(['login', '--email', 'Ada@Example.com', '--send-code', '--json']);
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.stdout)).toEqual({ identifier: 'ada@example.com', channel: 'email', expiresAt: expect.any(Number) });

    const code = await server.codeFor('ada@example.com');
    const done = await ada.run(['login', '--email', 'ada@example.com', '--code', code, '--device-name', 'test laptop', '--json']);
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    const session = JSON.parse(done.stdout) as Record<string, unknown>;
    expect(session).toEqual({
      profile: 'default',
      server: server.url,
      accountId: expect.stringMatching(/^acc_/),
      deviceId: expect.stringMatching(/^dev_/),
      newAccount: true,
      displayName: expect.any(String),
      phone: null,
      email: 'ada@example.com',
    });

    const file = path.join(ada.configDir, 'profiles', 'default.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    const stored = JSON.parse(await readFile(file, 'utf8')) as { server: string; session: { accountId: string; refreshToken: string } };
    expect(stored.server).toBe(server.url);
    expect(stored.session.accountId).toBe(session.accountId);
    expect(stored.session.refreshToken).toEqual(expect.any(String));

    // The profile remembers the server: no --server needed from now on.
    const who = await ada.run(['whoami', '--json'], { server: false });
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ accountId: session.accountId, deviceId: session.deviceId, email: 'ada@example.com', server: server.url });
    const human = await ada.run(['whoami'], { server: false });
    expect(human.stdout).toContain(`account  ${session.accountId as string}`);
    expect(human.stdout).toContain('ada@example.com');
    expect(human.stdout).not.toContain('\u001b['); // no colour into a pipe
  });

  it('asks for the identifier and the code on stdin when they are not given', async () => {
    const ben = await User.create(server);
    const r = ben.start(['login'], { stdin: 'pipe' });
    await r.waitStderr('Phone number (+…) or email: ');
    r.write('ben@example.com\n');
    await r.waitStderr('Code: ');
    expect(r.stderr()).toContain('A code was sent by email to ben@example.com');
    r.write('000000\n'); // wrong: asked again
    await r.waitStderr('That code is wrong. Code: ');
    r.write(`${await server.codeFor('ben@example.com')}\n`);
    expect(await r.exited).toBe(0);
    expect(r.stdout()).toMatch(/^Welcome! .*\(ben@example\.com\) on http:\/\/127\.0\.0\.1:\d+\n$/);
    expect((await ben.run(['whoami', '--json'])).stdout).toContain('"email":"ben@example.com"');
  });

  it('a second sign-in of the same account on another profile is a new device', async () => {
    const cy = await User.create(server);
    await cy.login('cy@example.com');
    await cy.login('cy@example.com', ['--profile', 'work']);
    const a = JSON.parse((await cy.run(['whoami', '--json'])).stdout) as { accountId: string; deviceId: string };
    const b = JSON.parse((await cy.run(['whoami', '--json', '--profile', 'work'])).stdout) as { accountId: string; deviceId: string; profile: string };
    expect(b.accountId).toBe(a.accountId);
    expect(b.deviceId).not.toBe(a.deviceId);
    expect(b.profile).toBe('work');
  });

  it('logout signs the device out on the server and forgets it; then commands say to log in', async () => {
    const dee = await User.create(server);
    await dee.login('dee@example.com');
    const stored = JSON.parse(await readFile(path.join(dee.configDir, 'profiles', 'default.json'), 'utf8')) as { session: { accessToken: string } };
    const out = await dee.run(['logout']);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('Signed out.\n');
    // The old token no longer works on the server.
    const res = await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${stored.session.accessToken}` } });
    expect(res.status).toBe(401);
    const who = await dee.run(['whoami']);
    expect(who.code).toBe(1);
    expect(who.stderr).toBe('ottr whoami: not signed in — run `ottr login`\n');
    const json = await dee.run(['chats', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr)).toEqual({ error: { code: 'not_signed_in', message: 'not signed in', hint: 'run `ottr login`' } });
    expect((await dee.run(['logout'])).code).toBe(0); // nothing to do
  });

  it('explains a wrong code, a bad identifier and an unreachable server', async () => {
    const eve = await User.create(server);
    await eve.run(['login', '--email', 'eve@example.com', '--send-code']);
    const wrong = await eve.run(['login', '--email', 'eve@example.com', '--code', '999999']);
    // (999999 could be right once in a million runs.)
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^ottr login: that code is wrong \[code_invalid\] — /);

    const bad = await eve.run(['login', '--phone', '+1 555', '--send-code']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^ottr login: .* \[invalid_identifier\] — give a phone number in international form/);

    const down = await eve.run(['login', '--email', 'eve@example.com', '--send-code', '--server', 'http://127.0.0.1:9'], { server: false });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach the server at http:\/\/127\.0\.0\.1:9 .* is it running\?/);
  });

  it.each([
    [['login', '--phone', '+15551234567', '--email', 'a@b.c'], 'give --phone or --email, not both'],
    [['login', '--code', '12ab'], '--code must be the 6 digits'],
    [['login', '--phone', '5551234'], 'neither a phone number in international form'],
    [['login', '--bogus'], "Unknown option '--bogus'"],
    [['whoami', 'extra'], "unexpected argument 'extra'"],
    [['chats', '--profile', '../x'], 'invalid profile name'],
    [['chats', '--server', 'ftp://x'], '--server must be an http(s) URL'],
  ])('ottr %j is a usage error (exit 2)', async (args, message) => {
    const u = await User.create(server);
    const r = await u.run(args, { server: false });
    expect(r.stderr).toContain(message);
    expect(r.code).toBe(2);
  });
});

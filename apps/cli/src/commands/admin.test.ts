import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, cleanup, startServer, User, type TestServer } from '../test-support/harness.js';

interface AdminAccount {
  id: string;
  email: string | null;
  phone: string | null;
  displayName: string;
  suspendedAt: number | null;
  deletedAt: number | null;
  devices: number;
}

let server: TestServer;
let admin: User;
beforeAll(async () => {
  server = await startServer();
  admin = await User.create(server);
}, 90_000);
afterAll(cleanup);

describe('ottr admin', { timeout: 90_000 }, () => {
  it('without a token it says where to put one; a wrong token is refused', async () => {
    const none = await admin.run(['admin', 'accounts', 'list']);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe('ottr admin accounts list: no admin token — pass --admin-token, set OTTR_ADMIN_TOKEN, or store one with `ottr admin login`\n');
    const wrong = await admin.run(['admin', 'accounts', 'list', '--json'], { env: { OTTR_ADMIN_TOKEN: 'x'.repeat(40) } });
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stderr)).toMatchObject({ error: { code: 'unauthorized', message: expect.stringContaining('refused the admin token') } });
  });

  it('admin login checks the token and stores it in the profile (0600); later commands use it', async () => {
    const r = await admin.run(['admin', 'login'], { stdin: `${ADMIN_TOKEN}\n` });
    expect(r.stderr).toContain('Admin token: ');
    expect(r.code).toBe(0);
    const file = path.join(admin.configDir, 'profiles', 'default.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ adminToken: ADMIN_TOKEN, server: server.url });
    const list = await admin.run(['admin', 'accounts', 'list', '--json'], { server: false });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual({ items: [], next: null });
  });

  let zoe: AdminAccount;
  let user: User;

  it('create and list (table, --query, paging)', async () => {
    const created = await admin.run(['admin', 'accounts', 'create', '--email', 'zoe@example.com', '--name', 'Zoe', '--json']);
    expect(created.code).toBe(0);
    zoe = JSON.parse(created.stdout) as AdminAccount;
    expect(zoe).toMatchObject({ id: expect.stringMatching(/^acc_/), email: 'zoe@example.com', displayName: 'Zoe', suspendedAt: null, deletedAt: null, devices: 0 });

    const dup = await admin.run(['admin', 'accounts', 'create', '--email', 'zoe@example.com']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('already belongs to an account');

    for (const n of [1, 2, 3]) expect((await admin.run(['admin', 'accounts', 'create', '--phone', `+1415555010${n}`])).code).toBe(0);

    const table = await admin.run(['admin', 'accounts', 'list']);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+PHONE \/ EMAIL\s+STATUS\s+DEVICES\s+CREATED\s+LAST SEEN$/);
    expect(lines).toHaveLength(5);
    expect(table.stdout).toMatch(new RegExp(`${zoe.id}\\s+Zoe\\s+zoe@example\\.com\\s+active\\s+0\\s+`));

    const two = JSON.parse((await admin.run(['admin', 'accounts', 'list', '--limit', '2', '--json'])).stdout) as { items: AdminAccount[]; next: string | null };
    expect(two.items).toHaveLength(2);
    expect(two.next).toEqual(expect.any(String));
    expect((JSON.parse((await admin.run(['admin', 'accounts', 'list', '--all', '--json'])).stdout) as { items: unknown[] }).items).toHaveLength(4);
    const q = JSON.parse((await admin.run(['admin', 'accounts', 'list', '--query', 'ZOE@example.com', '--json'])).stdout) as { items: AdminAccount[] };
    expect(q.items.map((a) => a.id)).toEqual([zoe.id]);

  });

  it('suspend and unsuspend: the user’s commands fail with account_suspended meanwhile', async () => {
    user = await User.create(server);
    await user.login('zoe@example.com');
    const suspended = await admin.run(['admin', 'accounts', 'suspend', zoe.id, '--json']);
    expect(suspended.code).toBe(0);
    expect((JSON.parse(suspended.stdout) as AdminAccount).suspendedAt).toEqual(expect.any(Number));
    const refused = await user.run(['chats']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[account_suspended]');
    expect((await admin.run(['admin', 'accounts', 'list', '--query', zoe.id])).stdout).toContain('suspended');

    const back = await admin.run(['admin', 'accounts', 'unsuspend', zoe.id]);
    expect(back.stdout).toBe(`Unsuspended ${zoe.id} (Zoe).\n`);
    expect((await user.run(['chats'])).code).toBe(0);
  });

  it('accounts session signs a device in without a code and prints its session (--json and human); the tokens work', async () => {
    const me = async (accessToken: string) => {
      const res = await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      return { status: res.status, body: (await res.json()) as { id?: string; code?: string } };
    };
    const json = await admin.run(['admin', 'accounts', 'session', zoe.id, '--device-name', 'load bot', '--json']);
    expect(json.code).toBe(0);
    const s = JSON.parse(json.stdout) as { accountId: string; deviceId: string; accessToken: string; refreshToken: string; newAccount: boolean };
    expect(s).toMatchObject({ accountId: zoe.id, deviceId: expect.stringMatching(/^dev_/), newAccount: false, accessToken: expect.any(String), refreshToken: expect.any(String) });
    expect(await me(s.accessToken)).toMatchObject({ status: 200, body: { id: zoe.id } });

    const human = await admin.run(['admin', 'accounts', 'session', zoe.id]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^Signed in device dev_\\w+ \\(ottr admin\\) to ${zoe.id} \\(Zoe\\)\\.\n`));
    const accessToken = /^ {2}access token {3}(\S+)$/m.exec(human.stdout)?.[1];
    expect(accessToken).toEqual(expect.any(String));
    expect(human.stdout).toMatch(/^ {2}refresh token {2}\S+$/m);
    expect(await me(accessToken!)).toMatchObject({ status: 200, body: { id: zoe.id } });
    // Zoe's own device and the two new ones.
    expect((JSON.parse((await admin.run(['admin', 'accounts', 'list', '--query', zoe.id, '--json'])).stdout) as { items: AdminAccount[] }).items[0]?.devices).toBe(3);

    expect((await admin.run(['admin', 'accounts', 'suspend', zoe.id])).code).toBe(0);
    const suspended = await admin.run(['admin', 'accounts', 'session', zoe.id]);
    expect(suspended.code).toBe(1);
    expect(suspended.stderr).toContain('[account_suspended]');
    expect(suspended.stderr).toContain(`ottr admin accounts unsuspend ${zoe.id}`);
    expect((await admin.run(['admin', 'accounts', 'unsuspend', zoe.id])).code).toBe(0);

    const unknown = await admin.run(['admin', 'accounts', 'session', `acc_${'0'.repeat(26)}`]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`no account acc_${'0'.repeat(26)}`);
  });

  it('delete needs --yes without a terminal; the user is signed out', async () => {

    const refuse = await admin.run(['admin', 'accounts', 'delete', zoe.id]);
    expect(refuse.code).toBe(2);
    expect(refuse.stderr).toContain('pass --yes');
    const deleted = await admin.run(['admin', 'accounts', 'delete', zoe.id, '--yes', '--json']);
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout)).toEqual({ id: zoe.id, deleted: true });
    const again = await admin.run(['admin', 'accounts', 'delete', zoe.id, '--yes']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no account ${zoe.id}`);
    expect((await user.run(['whoami'])).code).toBe(1);
  });

  it('--admin-token and OTTR_ADMIN_TOKEN work without a stored token; usage errors exit 2', async () => {
    const other = await User.create(server);
    expect((await other.run(['admin', 'accounts', 'list', '--admin-token', ADMIN_TOKEN])).code).toBe(0);
    expect((await other.run(['admin', 'accounts', 'list'], { env: { OTTR_ADMIN_TOKEN: ADMIN_TOKEN } })).code).toBe(0);
    for (const args of [
      ['admin'],
      ['admin', 'accounts'],
      ['admin', 'accounts', 'suspend'],
      ['admin', 'accounts', 'suspend', 'zoe'],
      ['admin', 'accounts', 'session'],
      ['admin', 'accounts', 'session', 'zoe'],
      ['admin', 'accounts', 'session', `acc_${'0'.repeat(26)}`, '--device-name', ''],
      ['admin', 'accounts', 'create', '--name', 'x'],
      ['admin', 'accounts', 'list', '--all', '--limit', '3'],
    ]) {
      const r = await other.run(args);
      expect([args, r.code]).toEqual([args, 2]);
    }
  });
});

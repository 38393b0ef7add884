import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, startServer, tempDir, User, type TestServer } from '../test-support/harness.js';
import { createTestDatabase, requirePostgres } from '../test-support/postgres.js';

interface HistoryEvent {
  id: string;
  type: string;
  seq: number;
  sender: string | null;
  content?: { kind: string; text?: string } | null;
  editedAt?: number;
  reactions?: { emoji: string; count: number; accounts?: string[] }[];
}
type Run = Awaited<ReturnType<User['run']>>;

/** The session `ottr login` stored in a user's profile. */
async function accessToken(user: User): Promise<string> {
  const profile = JSON.parse(await readFile(path.join(user.configDir, 'profiles', 'default.json'), 'utf8')) as { session: { accessToken: string } };
  return profile.session.accessToken;
}

/** Editing and reacting are not CLI commands: straight through the REST API, as the user. */
async function api(server: TestServer, user: User, method: string, route: string, body?: unknown): Promise<number> {
  const res = await fetch(`${server.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${await accessToken(user)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  await res.body?.cancel();
  return res.status;
}

const lines = async (file: string): Promise<string[]> => (await readFile(file, 'utf8')).trimEnd().split('\n');

if (await requirePostgres()) {
  describe('ottr admin export / import: moving an installation from SQLite to PostgreSQL', { timeout: 120_000 }, () => {
    let server: TestServer;
    let ada: User;
    let ben: User;
    /** Runs admin commands: no --server, no session. */
    let operator: User;
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    let pgEnv: Record<string, string>;
    let work: string;
    let file: string;
    let cid: string;
    let typo: { messageId: string; seq: number };
    let exportedRows: Record<string, number>;
    const before: { ada?: string; ben?: string; adaId?: string; benId?: string } = {};

    /** `ottr admin export` of the PostgreSQL database: the table lines (the header holds the time). */
    const pgRows = async (name: string): Promise<string[]> => {
      const out = path.join(work, name);
      const r = await operator.run(['admin', 'export', '--out', out], { server: false, env: pgEnv });
      expect([r.code, r.stderr]).toEqual([0, '']);
      return (await lines(out)).slice(1);
    };

    beforeAll(async () => {
      server = await startServer();
      [ada, ben] = await Promise.all([User.create(server), User.create(server)]);
      operator = await User.create(server);
      await Promise.all([ada.login('ada@example.com'), ben.login('ben@example.com')]);
      db = await createTestDatabase();
      pgEnv = { OTTR_STORE: 'postgres', OTTR_POSTGRES_URL: db.url };
      work = await tempDir('ottr-cli-transfer-');
      file = path.join(work, 'ottr.jsonl');
    }, 90_000);
    afterAll(async () => {
      await cleanup();
      await db?.drop();
    });

    it('on SQLite: ada and ben chat; ada fixes a typo, ben reacts', async () => {
      const sent = JSON.parse((await ada.run(['send', 'ben@example.com', 'hello ben', '--json'])).stdout) as { conversationId: string; seq: number };
      cid = sent.conversationId;
      expect(sent.seq).toBe(2);
      expect((await ben.run(['send', cid, 'hi ada'])).code).toBe(0);
      typo = JSON.parse((await ada.run(['send', cid, 'typo hree', '--json'])).stdout) as { messageId: string; seq: number };
      expect(typo.seq).toBe(4);
      expect(await api(server, ada, 'PATCH', `/v1/messages/${typo.messageId}`, { content: { kind: 'text', text: 'typo here' } })).toBe(200);
      expect(await api(server, ben, 'PUT', `/v1/messages/${typo.messageId}/reactions/${encodeURIComponent('👍')}`)).toBe(200);

      const ada1 = await ada.run(['history', cid, '--json']);
      expect(ada1.code).toBe(0);
      const events = (JSON.parse(ada1.stdout) as { events: HistoryEvent[] }).events;
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(events.find((e) => e.id === typo.messageId)).toMatchObject({ content: { text: 'typo here' }, editedAt: expect.any(Number), reactions: [{ emoji: '👍', count: 1 }] });
      before.ada = ada1.stdout;
      before.ben = (await ben.run(['history', cid, '--json'])).stdout;
      before.adaId = (JSON.parse((await ada.run(['whoami', '--json'])).stdout) as { accountId: string }).accountId;
      before.benId = (JSON.parse((await ben.run(['whoami', '--json'])).stdout) as { accountId: string }).accountId;
    });

    it('export of the stopped server: exit 0, a 0600 file that starts with the format header, the row counts', async () => {
      await server.stop();
      const r = await operator.run(['admin', 'export', '--data-dir', server.dataDir, '--out', file, '--json'], { server: false });
      expect([r.code, r.stderr]).toEqual([0, '']);
      const out = JSON.parse(r.stdout) as { out: string; rows: Record<string, number> };
      expect(out).toMatchObject({ out: file, rows: { accounts: 2, conversations: 1, store: 1 } });
      exportedRows = out.rows;
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const [header] = await lines(file);
      expect(JSON.parse(header!)).toEqual({ format: 'ottr-export', version: 1, exportedAt: expect.any(Number) });

      const human = await operator.run(['admin', 'export', '--data-dir', server.dataDir, '--out', path.join(work, 'again.jsonl')], { server: false });
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/^Exported accounts 2, .*conversations 1, .* to .*again\.jsonl\.\n$/);
      // Without --out: the file on stdout, the summary on stderr.
      const piped = await operator.run(['admin', 'export', '--data-dir', server.dataDir], { server: false });
      expect(piped.code).toBe(0);
      expect(JSON.parse(piped.stdout.split('\n')[0]!)).toMatchObject({ format: 'ottr-export', version: 1 });
      expect(piped.stdout.trimEnd().split('\n').slice(1)).toEqual((await lines(file)).slice(1));
      expect(piped.stderr).toMatch(/^Exported accounts 2, .*\.\n$/);
    });

    it('export failures say what is wrong (exit 1) and leave no file behind; an older export at --out stays', async () => {
      const empty = await tempDir('ottr-cli-empty-');
      const older = path.join(work, 'older.jsonl');
      await writeFile(older, 'an older export\n');
      const noDb = await operator.run(['admin', 'export', '--data-dir', empty, '--out', older], { server: false });
      expect([noDb.code, noDb.stdout]).toEqual([1, '']);
      expect(noDb.stderr).toBe(`ottr admin export: no database at ${path.join(empty, 'ottr.db')} (check --data-dir / OTTR_SQLITE_PATH)\n`);
      expect(await readFile(older, 'utf8')).toBe('an older export\n');

      // It used to print "Exported … to <file>." and exit 0 without writing anything.
      const nowhere = path.join(work, 'no-such-dir', 'ottr.jsonl');
      const unwritable = await operator.run(['admin', 'export', '--data-dir', server.dataDir, '--out', nowhere], { server: false });
      expect([unwritable.code, unwritable.stdout]).toEqual([1, '']);
      expect(unwritable.stderr).toBe(`ottr admin export: cannot write ${nowhere}: ENOENT: no such file or directory\n`);
      expect((await readdir(work)).filter((f) => f.includes('partial'))).toEqual([]);
    });

    it('import without --in is a usage error (exit 2); a missing file, not an export, a damaged export, a missing database: exit 1 with the reason, nothing imported', async () => {
      const usage = await operator.run(['admin', 'import'], { server: false, env: pgEnv });
      expect(usage.code).toBe(2);
      expect(usage.stderr).toMatch(/^ottr admin import: missing --in FILE\n\nUsage: ottr admin import --in FILE/);

      const missing = await operator.run(['admin', 'import', '--in', path.join(work, 'nope.jsonl')], { server: false, env: pgEnv });
      expect([missing.code, missing.stderr]).toEqual([1, `ottr admin import: no such file: ${path.join(work, 'nope.jsonl')}\n`]);

      const notExport = path.join(work, 'notes.txt');
      await writeFile(notExport, 'shopping list\neggs\n');
      const refused = await operator.run(['admin', 'import', '--in', notExport], { server: false, env: pgEnv });
      expect([refused.code, refused.stderr]).toEqual([1, `ottr admin import: ${notExport}:1: not JSON\n`]);

      const otherJson = path.join(work, 'package.json');
      await writeFile(otherJson, '{"name":"not ottr"}\n');
      const json = await operator.run(['admin', 'import', '--in', otherJson, '--json'], { server: false, env: pgEnv });
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stderr)).toEqual({ error: { code: 'transfer_failed', message: `${otherJson} is not an ottr export (no 'ottr-export' header)` } });

      // A whole export but for its last line: every batch before it is rolled back.
      const damaged = path.join(work, 'damaged.jsonl');
      const all = await lines(file);
      await writeFile(damaged, `${[...all, '{"table":"events","rows":[[1,2'].join('\n')}\n`);
      const partial = await operator.run(['admin', 'import', '--in', damaged], { server: false, env: pgEnv });
      expect([partial.code, partial.stderr]).toEqual([1, `ottr admin import: ${damaged}:${all.length + 1}: not JSON\n`]);

      // A store that cannot be opened: in words (it used to be "unexpected error" and a stack trace).
      const noDb = { ...pgEnv, OTTR_POSTGRES_URL: `${db.url}_missing` };
      const unreachable = await operator.run(['admin', 'import', '--in', file], { server: false, env: noDb });
      expect(unreachable.code).toBe(1);
      expect(unreachable.stderr).toBe(`ottr admin import: cannot open the store: database "${db.name}_missing" does not exist — check OTTR_STORE and OTTR_POSTGRES_URL (or --data-dir / OTTR_SQLITE_PATH)\n`);

      expect(await pgRows('after-refusals.jsonl')).toEqual(await pgRows('empty.jsonl'));
      expect((await pgRows('empty.jsonl')).length).toBeLessThanOrEqual(1); // at most the version counter
    });

    it('import into the empty PostgreSQL database: exit 0, every row the export wrote', async () => {
      const r = await operator.run(['admin', 'import', '--in', file, '--json'], { server: false, env: pgEnv });
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(JSON.parse(r.stdout)).toEqual({ in: file, rows: exportedRows });
      // PostgreSQL now exports what SQLite exported.
      expect(await pgRows('moved.jsonl')).toEqual((await lines(file)).slice(1));
    });

    it('importing again into the now non-empty database is refused with the reason (exit 1) and changes nothing', async () => {
      const snapshot = await pgRows('before-again.jsonl');
      const r = await operator.run(['admin', 'import', '--in', file], { server: false, env: pgEnv });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^ottr admin import: .*not empty.*\n$/);
      expect(r.stderr).not.toContain('unexpected error');
      expect(await pgRows('after-again.jsonl')).toEqual(snapshot);
    });

    it('ottr serve on PostgreSQL (same data dir, so the same secret): the sessions, profiles and history moved; the next message gets the next seq', async () => {
      server = await startServer(pgEnv, server);
      // The users' profiles (server URL, session) keep working.
      for (const [user, id, email] of [[ada, before.adaId, 'ada@example.com'], [ben, before.benId, 'ben@example.com']] as const) {
        const who = await user.run(['whoami', '--json']);
        expect(who.code).toBe(0);
        expect(JSON.parse(who.stdout)).toMatchObject({ accountId: id, email });
      }
      const history = async (user: User): Promise<Run> => user.run(['history', cid, '--json']);
      expect((await history(ada)).stdout).toBe(before.ada);
      expect((await history(ben)).stdout).toBe(before.ben);
      const events = (JSON.parse(before.ben!) as { events: HistoryEvent[] }).events;
      expect(events.filter((e) => e.type === 'message').map((e) => e.content?.text)).toEqual(['hello ben', 'hi ada', 'typo here']);
      expect(events.map((e) => e.type)).toEqual(['conversation_created', 'message', 'message', 'message', 'edit', 'reaction']);
      expect(events.find((e) => e.id === typo.messageId)).toMatchObject({ editedAt: expect.any(Number), reactions: [{ emoji: '👍', count: 1 }] });

      const next = await ben.run(['send', cid, 'on postgres now', '--json']);
      expect([next.code, next.stderr]).toEqual([0, '']);
      expect(JSON.parse(next.stdout)).toMatchObject({ conversationId: cid, seq: 7 });
      // Signing in again (a code checked with the same secret) finds the same account.
      const benLaptop = await User.create(server);
      await benLaptop.login('ben@example.com');
      expect(JSON.parse((await benLaptop.run(['whoami', '--json'])).stdout)).toMatchObject({ accountId: before.benId });
      const latest = (JSON.parse((await benLaptop.run(['history', cid, '--json'])).stdout) as { events: HistoryEvent[] }).events;
      expect(latest.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(latest.at(-1)).toMatchObject({ type: 'message', sender: before.benId, content: { text: 'on postgres now' } });
    });
  });
}

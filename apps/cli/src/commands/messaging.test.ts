import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { ConversationId, EventId } from '@ottr/protocol';
import { createClient, type SessionInput } from '@ottr/sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { cleanup, startServer, tempDir, User, type TestServer } from '../test-support/harness.js';

interface JsonEvent {
  type: string;
  source?: string;
  event?: { type: string; seq: number; sender: string; conversationId: string; content?: { text?: string } | null; replyTo?: { seq: number } };
  conversationId?: string;
  accountId?: string;
  readSeq?: number;
  deliveredSeq?: number;
}

/** A real PNG of width×height grey pixels (RGB, 8 bits), built with zlib alone. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, body: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([head, typed, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.concat(Array.from({ length: height }, () => Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x80)])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** `ottr …args` run in this process as `user` (stdout and stderr are not terminals). */
async function inProcess(user: User, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main([...args, '--server', server.url], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { OTTR_CONFIG_DIR: user.configDir },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdinIsTTY: true,
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

let server: TestServer;
let ada: User;
let ben: User;
let adaId: string;
let benId: string;
beforeAll(async () => {
  server = await startServer();
  [ada, ben] = await Promise.all([User.create(server), User.create(server)]);
  await Promise.all([ada.login('ada@example.com'), ben.login('ben@example.com')]);
  adaId = (JSON.parse((await ada.run(['whoami', '--json'])).stdout) as { accountId: string }).accountId;
  benId = (JSON.parse((await ben.run(['whoami', '--json'])).stdout) as { accountId: string }).accountId;
}, 90_000);
afterAll(cleanup);

describe('ottr send, tail, chats, history', { timeout: 90_000 }, () => {
  let cid: string;

  it('chats is empty at first', async () => {
    const r = await ada.run(['chats']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No conversations yet');
    expect(JSON.parse((await ada.run(['chats', '--json'])).stdout)).toEqual({ items: [] });
  });

  it('what ada sends by email reaches ben’s `ottr tail --json` once, in order; ada gets ✓ and then sees ✓✓', async () => {
    const tail = ben.start(['tail', '--json']);
    await tail.waitStderr('live');

    const first = await ada.run(['send', 'ben@example.com', 'Lunch', 'at 1?', '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const sent = JSON.parse(first.stdout) as { conversationId: string; messageId: string; seq: number; status: string; clientMsgId: string; at: number };
    expect(sent).toEqual({ conversationId: expect.stringMatching(/^cnv_/), messageId: expect.stringMatching(/^msg_/), seq: 2, at: expect.any(Number), clientMsgId: expect.any(String), status: 'sent' });
    cid = sent.conversationId;

    const human = await ada.run(['send', cid, 'second', '--reply-to', sent.messageId]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^✓ sent to .+ #3 msg_\w+\n$/);

    const seen: JsonEvent[] = [];
    const isMessage = (l: string) => (JSON.parse(l) as JsonEvent).event?.type === 'message';
    for (const want of [2, 3]) {
      const line = JSON.parse(await tail.nextLine(isMessage)) as JsonEvent;
      seen.push(line);
      expect(line).toMatchObject({ type: 'event', source: 'live', event: { type: 'message', seq: want, sender: adaId, conversationId: cid } });
    }
    expect(seen[0]!.event!.content).toEqual({ kind: 'text', text: 'Lunch at 1?' });
    expect(seen[1]!.event!.replyTo).toEqual({ messageId: sent.messageId, seq: 2 });

    // Ben's tail acknowledged delivery: ada's history shows ✓✓ on both.
    await expect.poll(async () => (await ada.run(['history', cid])).stdout, { timeout: 10_000 }).toMatch(/you\s+✓✓\s+↩ #2 second/);
    tail.child.kill('SIGINT');
    expect(await tail.exited).toBe(0);
    const lines = tail.stdout().trim().split('\n');
    expect(lines.filter(isMessage)).toHaveLength(2); // nothing twice
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'event', event: { type: 'conversation_created', seq: 1 } });
  });

  it('tail prints read receipts (human output); history shows ✓✓ read', async () => {
    const tail = ada.start(['tail', cid]);
    await tail.waitStderr('live');
    // Ben reads (marking read is not a CLI command: straight through the REST API).
    const benSession = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(`${ben.configDir}/profiles/default.json`, 'utf8'))) as { session: { accessToken: string } };
    const res = await fetch(`${server.url}/v1/conversations/${cid}/read`, {
      method: 'POST',
      headers: { authorization: `Bearer ${benSession.session.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ seq: 3 }),
    });
    expect(res.status).toBe(204);
    const line = await tail.nextLine((l) => l.includes('read up to'));
    expect(line).toMatch(/^\d\d:\d\d {2}.+ {2}✓✓ .+ read up to #3$/);
    tail.child.kill('SIGINT');
    expect(await tail.exited).toBe(0);
    const history = await ada.run(['history', cid]);
    expect(history.stdout).toMatch(/#2 .* you\s+✓✓ read\s+Lunch at 1\?/);
  });

  it('chats lists the conversation with the peer, unread count, preview and id', async () => {
    const r = await ben.run(['chats']);
    expect(r.code).toBe(0);
    const [header, row] = r.stdout.split('\n');
    expect(header).toMatch(/CHAT\s+UNREAD\s+LAST MESSAGE\s+WHEN\s+ID/);
    expect(row).toContain(cid);
    expect(row).toMatch(/just now|s ago/);
    expect(row).toContain('second');

    const json = JSON.parse((await ada.run(['chats', '--json'])).stdout) as { items: Record<string, unknown>[] };
    expect(json.items).toHaveLength(1);
    expect(json.items[0]).toMatchObject({ id: cid, kind: 'direct', unreadCount: 0, pinned: false, muted: false, archived: false, lastSeq: 3, preview: 'second' });
    expect(json.items[0]!.lastEvent).toMatchObject({ type: 'message', seq: 3 });
  });

  it('history --json: events in protocol shape with sender names and statuses; --limit and --before page', async () => {
    for (let i = 1; i <= 5; i++) expect((await ben.run(['send', 'ada@example.com', `n${i}`])).code).toBe(0);
    const all = JSON.parse((await ada.run(['history', cid, '--json'])).stdout) as { conversation: { id: string }; events: (JsonEvent['event'] & { senderName: string; status?: string })[]; before: number | null };
    expect(all.conversation.id).toBe(cid);
    expect(all.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(all.before).toBeNull();
    expect(all.events[1]).toMatchObject({ type: 'message', sender: adaId, status: 'read' });
    expect(all.events[3]).toMatchObject({ type: 'message', sender: benId, content: { text: 'n1' } });
    expect(all.events[3]!.status).toBeUndefined(); // only one's own messages have a status

    const page = JSON.parse((await ada.run(['history', cid, '--json', '--limit', '3'])).stdout) as { events: { seq: number }[]; before: number };
    expect(page.events.map((e) => e.seq)).toEqual([6, 7, 8]);
    expect(page.before).toBe(6);
    const older = JSON.parse((await ada.run(['history', cid, '--json', '--limit', '2', '--before', '6'])).stdout) as { events: { seq: number }[] };
    expect(older.events.map((e) => e.seq)).toEqual([4, 5]);

    const human = await ada.run(['history', 'ben@example.com', '--limit', '3']);
    expect(human.stdout).toContain(`… earlier events: ottr history ${cid} --before 6`);
    expect(human.stdout).toMatch(/#8 .*n5\n$/);
  });

  it('history --all pages from the start', async () => {
    const r = JSON.parse((await ada.run(['history', cid, '--all', '--json'])).stdout) as { events: { seq: number }[] };
    expect(r.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('tail shows typing, edits, reactions and deletes; history folds them into the messages', async () => {
    // Ben's second device is an SDK client (the CLI has no edit or react commands).
    await ben.login('ben@example.com', ['--profile', 'phone']);
    const { session } = JSON.parse(await readFile(path.join(ben.configDir, 'profiles', 'phone.json'), 'utf8')) as { session: SessionInput };
    const phone = createClient({ baseUrl: server.url, session });
    const tail = ada.start(['tail', cid, '--json']);
    await tail.waitStderr('live');
    try {
      await phone.connect();
      phone.typing.start(cid as ConversationId);
      expect(JSON.parse(await tail.nextLine((l) => l.includes('"typing"')))).toEqual({ type: 'typing', conversationId: cid, accountId: benId, state: 'typing', expiresInMs: expect.any(Number) });

      const history = JSON.parse((await ada.run(['history', cid, '--json'])).stdout) as { events: { id: EventId; seq: number; type: string; sender: string }[] };
      const adas = history.events.filter((e) => e.type === 'message' && e.sender === adaId).at(-1)!;
      const typo = (await phone.request('sendMessage', { params: { conversationId: cid as ConversationId }, body: { clientMsgId: 'typo-1', content: { kind: 'text', text: 'lnuch' } } })).event;
      const gone = (await phone.request('sendMessage', { params: { conversationId: cid as ConversationId }, body: { clientMsgId: 'gone-1', content: { kind: 'text', text: 'oops' } } })).event;
      await phone.messages.edit(typo.id, 'lunch');
      await phone.messages.react(adas.id, '👍');
      await phone.messages.delete(gone.id);
      for (const type of ['edit', 'reaction', 'delete']) {
        expect(JSON.parse(await tail.nextLine((l) => l.includes(`"type":"${type}"`)))).toMatchObject({ type: 'event', event: { type, sender: benId } });
      }
      const human = (await ada.run(['history', cid, '--limit', '20'])).stdout;
      expect(human).toMatch(new RegExp(`#${typo.seq} .+ lunch \\(edited\\)`));
      expect(human).toMatch(new RegExp(`#${gone.seq} .+ \\(deleted\\)`));
      expect(human).toMatch(new RegExp(`#${adas.seq} .+ you .+ second 👍 1\n`));
      expect(human).not.toContain('oops');
    } finally {
      await phone.close();
      tail.child.kill('SIGINT');
    }
  });

  it('send fails with the server’s code: not a member (exit 1), unknown person; a missing --file', async () => {
    const cy = await User.create(server);
    await cy.login('cy@example.com');
    const notMember = await cy.run(['send', cid, 'hi']);
    expect(notMember.code).toBe(1);
    expect(notMember.stderr).toMatch(/^ottr send: you are not a member of that conversation \[not_member\] — /);
    const json = await cy.run(['send', cid, 'hi', '--json']);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'not_member' } });

    const nobody = await ada.run(['send', 'nobody@example.com', 'hi']);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('no account on this server has nobody@example.com');

    const file = await ada.run(['send', cid, '--file', '/nonexistent/photo.png']);
    expect(file.code).toBe(1);
    expect(file.stderr).toBe('ottr send: no such file: /nonexistent/photo.png\n');

    const usage = await ada.run(['send', 'someone', 'hi']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("'someone' is not a conversation id");
    expect((await ada.run(['send', cid])).code).toBe(2); // no text
  });

  // Run in this process (main() with buffers for stdout/stderr, not a terminal): no spawn cost.
  it('send --file uploads (progress lines on a non-terminal stderr) and sends an image, --location and --contact; history says them in words; download saves the file, never over one', async () => {
    const dir = await tempDir('ottr-cli-media-');
    const photo = path.join(dir, 'lake.png');
    await writeFile(photo, png(40, 30));
    const sent = await inProcess(ada, ['send', cid, '--file', photo, '--caption', 'The lake']);
    expect(sent.code).toBe(0);
    expect(sent.stderr).toMatch(/^(uploading lake\.png \d+%\n)*uploading lake\.png 100%\n$/);
    const messageId = /^✓ sent to .+ #\d+ (msg_\w+)\n$/.exec(sent.stdout)![1]!;
    expect((await inProcess(ada, ['send', cid, '--location', '52.52,13.405', '--name', 'Berlin'])).code).toBe(0);
    expect((await inProcess(ada, ['send', cid, '--contact', 'Ada Lovelace', '--phone', '+441234567', '--email', 'ada@example.com'])).code).toBe(0);

    const history = (await inProcess(ben, ['history', cid, '--limit', '3'])).stdout;
    expect(history).toMatch(/ image lake\.png 40×30 \d+ B — The lake\n/);
    expect(history).toContain('location 52.52, 13.405 (Berlin) https://www.openstreetmap.org/?mlat=52.52&mlon=13.405');
    expect(history).toMatch(/ contact Ada Lovelace \+441234567 ada@example\.com\n/);

    const out = await tempDir('ottr-cli-download-');
    const copy = path.join(out, 'lake.png');
    const saved = await inProcess(ben, ['download', messageId, '-o', out, '--json']);
    expect(saved.code).toBe(0);
    expect(JSON.parse(saved.stdout)).toEqual({ mediaId: expect.stringMatching(/^med_/), path: copy, size: png(40, 30).length, mime: 'image/png' });
    expect(await readFile(copy)).toEqual(png(40, 30));
    const again = await inProcess(ben, ['download', messageId, '-o', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`ottr download: ${copy} exists — pass --force to replace it, or -o another path\n`);
  });

  it('stickers create and add (uploading a file), list; send --sticker', async () => {
    const dir = await tempDir('ottr-cli-sticker-');
    const file = path.join(dir, 'wave.png');
    await writeFile(file, png(64, 64));
    const pack = JSON.parse((await inProcess(ada, ['stickers', 'create', 'Otters', '--json'])).stdout) as { id: string };
    expect(pack.id).toMatch(/^spk_/);
    const added = await inProcess(ada, ['stickers', 'add', pack.id, file, '--emoji', '👋']);
    expect(added.stdout).toMatch(/^✓ added med_\w+ to Otters \(1 stickers\)\n$/);
    const list = (await inProcess(ada, ['stickers'])).stdout;
    const mediaId = /^ {2}👋 (med_\w+)$/m.exec(list)![1]!;
    expect(list).toContain(`Otters ${pack.id} 1 sticker\n`);

    expect((await inProcess(ada, ['send', cid, '--sticker', mediaId])).code).toBe(0);
    expect((await inProcess(ben, ['history', cid, '--limit', '1'])).stdout).toMatch(/ sticker\n$/);
  });

  it('a +phone opens (then reuses) the direct chat with the person who signed in with it', async () => {
    const dan = await User.create(server);
    expect((await dan.run(['login', '--phone', '+1 (415) 555-0177', '--send-code'])).code).toBe(0);
    await dan.run(['login', '--phone', '+14155550177', '--code', await server.codeFor('+14155550177')]);
    const a = JSON.parse((await ada.run(['send', '+14155550177', 'hi Dan', '--json'])).stdout) as { conversationId: string; seq: number };
    const b = JSON.parse((await ada.run(['send', '+14155550177', 'again', '--json'])).stdout) as { conversationId: string; seq: number };
    expect(b.conversationId).toBe(a.conversationId);
    expect(b.seq).toBe(a.seq + 1);
    const chats = JSON.parse((await dan.run(['chats', '--json'])).stdout) as { items: { id: string; unreadCount: number; preview: string }[] };
    expect(chats.items).toEqual([expect.objectContaining({ id: a.conversationId, unreadCount: 2, preview: 'again' })]);
  });

  it('send reads the text from stdin when none is given', async () => {
    const r = await ada.run(['send', cid, '--json'], { stdin: 'from stdin\n' });
    expect(r.code).toBe(0);
    const seq = (JSON.parse(r.stdout) as { seq: number }).seq;
    const history = JSON.parse((await ben.run(['history', cid, '--json', '--limit', '1'])).stdout) as { events: { seq: number; content: { text: string } }[] };
    expect(history.events[0]).toMatchObject({ seq, content: { text: 'from stdin' } });
  });
});

describe('ottr group', { timeout: 90_000 }, () => {
  it('create with members by email and id, add, remove; the members see it', async () => {
    const cy = await User.create(server);
    await cy.login('cy2@example.com');
    const tail = ben.start(['tail', '--json']);
    await tail.waitStderr('live');
    const created = await ada.run(['group', 'create', 'Climbing', 'ben@example.com', '--json']);
    expect(created.code).toBe(0);
    const group = JSON.parse(created.stdout) as { id: string; title: string; members: string[] };
    expect(group).toEqual({ id: expect.stringMatching(/^cnv_/), title: 'Climbing', members: [adaId, benId] });
    // Ben's running tail learns of the new group and shows it from its first event.
    const inGroup = (l: string) => (JSON.parse(l) as JsonEvent).event?.conversationId === group.id;
    expect(JSON.parse(await tail.nextLine(inGroup))).toMatchObject({ type: 'event', event: { seq: 1, type: 'conversation_created' } });
    expect(JSON.parse(await tail.nextLine(inGroup))).toMatchObject({ type: 'event', event: { seq: 2, type: 'member_added', accountId: benId } });
    tail.child.kill('SIGINT');

    const added = await ada.run(['group', 'add', group.id, 'cy2@example.com']);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^Added .+ to Climbing\.\n$/);

    const cyChats = JSON.parse((await cy.run(['chats', '--json'])).stdout) as { items: { id: string; kind: string; title: string }[] };
    expect(cyChats.items).toEqual([expect.objectContaining({ id: group.id, kind: 'group', title: 'Climbing' })]);

    // Ben is a plain member: adding is for admins.
    const denied = await ben.run(['group', 'add', group.id, 'cy2@example.com']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^ottr group add: .+ \[insufficient_role\]\n$/);

    const cyId = (JSON.parse((await cy.run(['whoami', '--json'])).stdout) as { accountId: string }).accountId;
    const removed = await ada.run(['group', 'remove', group.id, cyId, '--json']);
    expect(removed.code).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ conversationId: group.id, removed: cyId, event: { type: 'member_removed' } });

    const history = await ben.run(['history', group.id]);
    expect(history.stdout).toMatch(/created the group “Climbing”/);
    expect(history.stdout).toMatch(/added .+/);
    expect(history.stdout).toMatch(/removed .+/);

    expect((await ada.run(['group'])).code).toBe(2);
    expect((await ada.run(['group', 'frob'])).stderr).toContain("unknown group command 'frob'");
  });
});

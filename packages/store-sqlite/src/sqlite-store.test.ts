import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeviceId, MediaId, MessageId } from '@ottr/protocol';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore, DatabaseInUseError } from './index.js';
import { MIGRATIONS, migrate } from './migrations/index.js';
import { openDatabase } from './open.js';
import { seedDirect, send } from './testdata/seed.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ottr-sqlite-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const seqs = async (store: ReturnType<typeof createSqliteStore>, id: Parameters<typeof store.events.page>[0]) =>
  (await store.events.page(id, { after: 0, limit: 10_000, minSeq: 1 })).map((e) => e.seq);

describe('sqlite store', () => {
  it('opens in WAL mode with synchronous=FULL and foreign keys on', () => {
    const db = openDatabase(path.join(dir, 'p.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('applies each migration once, recorded in schema_migrations', () => {
    const db = new Database(path.join(dir, 'm.db'));
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions.slice(0, 2)).toEqual([1, 2]);
    expect(migrate(db, 1)).toEqual(versions);
    expect(migrate(db, 2)).toEqual([]);
    expect(db.prepare('SELECT version, applied_at FROM schema_migrations').all()).toEqual(versions.map((version) => ({ version, applied_at: 1 })));
    db.close();
  });

  it('upgrades a database made before account administration (migration 2): accounts are kept, not suspended', async () => {
    const file = path.join(dir, 'u.db');
    const old = new Database(file);
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    old.exec(MIGRATIONS[0]!.sql);
    old.prepare("INSERT INTO schema_migrations VALUES (1, 'init', 1)").run();
    old.prepare("INSERT INTO accounts (id, phone, email, display_name, about, avatar, presence_privacy, created_at) VALUES (?, NULL, 'old@example.test', 'Old', '', NULL, 'everyone', 5)")
      .run('acc_01J000000000000000000000AA');
    old.close();

    const store = createSqliteStore({ path: file });
    const account = await store.accounts.findByIdentifier('email', 'old@example.test');
    expect(account).toMatchObject({ id: 'acc_01J000000000000000000000AA', displayName: 'Old', suspendedAt: null, deletedAt: null });
    expect((await store.accounts.setSuspended(account!.id, 9)).suspendedAt).toBe(9);
    expect((await store.accounts.list({ limit: 10 })).items.map((a) => [a.id, a.suspendedAt, a.devices])).toEqual([[account!.id, 9, 0]]);
    await store.close();
    const reopened = new Database(file);
    expect(reopened.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual(MIGRATIONS.map((m) => m.version));
    reopened.close();
  });

  it('upgrades a database made before media (migration 4): messages sent before keep working, media get references', async () => {
    const file = path.join(dir, 'v.db');
    const first = createSqliteStore({ path: file });
    const { a, b, id } = await seedDirect(first);
    const before = await send(first, id, a, 'before media');
    await first.close();
    const old = new Database(file);
    old.exec('DROP TABLE sticker_installs; DROP TABLE stickers; DROP TABLE sticker_packs; DROP TABLE media_refs; DROP TABLE media; DELETE FROM schema_migrations WHERE version = 4');
    old.close();

    const store = createSqliteStore({ path: file });
    const mediaId = 'med_01J000000000000000000000EE' as MediaId;
    await store.media.create({
      id: mediaId, ownerId: a, kind: 'image', status: 'ready', mime: 'image/png', size: 10, sha256: '0'.repeat(64), key: `${mediaId}/original`, name: null,
      width: 1, height: 1, durationMs: null, blurhash: null, waveform: null, thumbnail: null, poster: null, error: null, createdAt: 3, releasedAt: null,
    }, null);
    const sent = await store.events.append({
      type: 'message', id: 'msg_01J000000000000000000000FF' as MessageId, conversationId: id, sender: a, at: 4, deviceId: 'dev_seed' as DeviceId,
      clientMsgId: 'media-1', content: { kind: 'image', mediaId, caption: 'after the upgrade' },
    });
    expect(await store.media.canRead(mediaId, b)).toBe(true);
    expect(await store.media.deleteIfUnreferenced(mediaId)).toBe(false);
    expect((await store.events.get(before.event.id))?.seq).toBe(sent.event.seq - 1);
    await store.close();
  });

  it('keeps data across close and reopen; seq and sync continue where they were', async () => {
    const file = path.join(dir, 'r.db');
    const first = createSqliteStore({ path: file });
    const { a, b, id } = await seedDirect(first);
    await Promise.all(Array.from({ length: 10 }, (_, i) => send(first, id, a, `before ${i}`)));
    const cursor = (await first.sync.page(b, null, 100)).cursor;
    await first.close();

    const second = createSqliteStore({ path: file });
    const after = await Promise.all(Array.from({ length: 10 }, (_, i) => send(second, id, b, `after ${i}`)));
    expect(after.map((r) => r.event.seq).sort((x, y) => x - y)).toEqual([12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
    expect(await seqs(second, id)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    const page = await second.sync.page(b, cursor, 100);
    expect(page.entries.map((e) => e.events.map((x) => x.seq))).toEqual([[12, 13, 14, 15, 16, 17, 18, 19, 20, 21]]);
    await second.close();
  });

  it('rejects a sync cursor from a newer database (e.g. after restoring a backup) as invalid_cursor', async () => {
    const newer = createSqliteStore({ path: ':memory:' });
    const { b, id, a } = await seedDirect(newer);
    await send(newer, id, a, 'hi');
    const cursor = (await newer.sync.page(b, null, 100)).cursor;
    await newer.close();
    const older = createSqliteStore({ path: ':memory:' });
    await seedDirect(older);
    await expect(older.sync.page(b, cursor, 100)).rejects.toMatchObject({ code: 'invalid_cursor' });
    await older.close();
  });

  it('commits concurrent appends together (group commit)', async () => {
    const store = createSqliteStore({ path: path.join(dir, 'g.db') });
    const { a, id } = await seedDirect(store);
    const before = store.stats();
    await Promise.all(Array.from({ length: 300 }, (_, i) => send(store, id, a, `m${i}`)));
    const after = store.stats();
    expect(after.batched - before.batched).toBe(300);
    expect(after.commits - before.commits).toBeLessThanOrEqual(3);
    await store.close();
  });

  it('a request failing after its writes rolls back alone; seqs stay gapless', async () => {
    const store = createSqliteStore({ path: ':memory:' });
    const { a, id } = await seedDirect(store);
    const m = await send(store, id, a, 'target');
    // A reaction by an unknown account fails on the reactions foreign key, after its event row.
    const results = await Promise.allSettled([
      send(store, id, a, 'one'),
      store.events.append({ type: 'reaction', id: 'evt_x' as never, conversationId: id, sender: 'acc_nobody' as never, at: 5, messageId: m.event.id, emoji: '👍', action: 'add' }),
      send(store, id, a, 'two'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await seqs(store, id)).toEqual([1, 2, 3, 4]);
    expect(await store.events.get('evt_x' as never)).toBeNull();
    expect((await send(store, id, a, 'three')).event.seq).toBe(5);
    await store.close();
  });

  it('close() commits appends still queued', async () => {
    const file = path.join(dir, 'c.db');
    const store = createSqliteStore({ path: file });
    const { a, id } = await seedDirect(store);
    const pending = Array.from({ length: 5 }, (_, i) => send(store, id, a, `m${i}`));
    await store.close();
    expect((await Promise.all(pending)).map((r) => r.event.seq)).toEqual([2, 3, 4, 5, 6]);
    const reopened = createSqliteStore({ path: file });
    expect(await seqs(reopened, id)).toEqual([1, 2, 3, 4, 5, 6]);
    await reopened.close();
  });

  it('checkpoints the WAL on a worker thread, not in the writer: the database file catches up while the node idles', async () => {
    const file = path.join(dir, 'ckpt.db');
    const store = createSqliteStore({ path: file });
    const { a, id } = await seedDirect(store);
    const before = statSync(file).size;
    // ~100 WAL pages: far below the 1,000 at which the writer's own connection would checkpoint.
    await Promise.all(Array.from({ length: 200 }, (_, i) => send(store, id, a, `message ${i} `.padEnd(400, 'x'))));
    const grew = async () => {
      for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((r) => setTimeout(r, 20))) {
        if (statSync(file).size > before) return true;
      }
      return false;
    };
    expect(await grew()).toBe(true);
    await store.close();
    const check = new Database(file, { readonly: true });
    expect(check.prepare("SELECT count(*) AS n FROM events WHERE type = 'message'").get()).toEqual({ n: 200 });
    check.close();
  });

  it('every acknowledged message survives kill -9 of the process', async () => {
    const file = path.join(dir, 'k.db');
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./testdata/kill-child.ts', import.meta.url)), file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked: number[] = [];
    let buffer = '';
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', () => resolve());
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        acked.push(...lines.map(Number));
        if (acked.length >= 500) child.kill('SIGKILL');
      });
    });
    expect(acked.length).toBeGreaterThanOrEqual(500);
    const store = createSqliteStore({ path: file });
    const stored = await seqs(store, 'cnv_01J000000000000000000000CC' as never);
    expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
    expect(Math.max(...acked)).toBeLessThanOrEqual(stored.length);
    await store.close();
  });
});

describe('one process per database file', () => {
  it('refuses a second store on a file in use, naming the owner; takes it once released', async () => {
    const file = path.join(dir, 'owned.db');
    const first = createSqliteStore({ path: file });
    expect(() => createSqliteStore({ path: file })).toThrow(new DatabaseInUseError(file, process.pid));
    await first.close();
    const second = createSqliteStore({ path: file });
    await second.close();
    await second.close(); // closing twice releases nothing that is not its own
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('takes over the lock of a process that died without releasing it (kill -9)', async () => {
    const file = path.join(dir, 'orphan.db');
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => dead.once('exit', resolve));
    writeFileSync(`${file}.lock`, `${dead.pid}\n`);
    const store = createSqliteStore({ path: file });
    expect(readFileSync(`${file}.lock`, 'utf8').trim()).toBe(String(process.pid));
    await store.close();
  });
});

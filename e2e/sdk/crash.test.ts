// (e) A crash in the middle of applying a sync page: the store starts failing right after the
// page's cursor was saved (some conversations of the page get applied, the rest not). A client
// started again on the same store then holds every message exactly once, and between the two
// clients every message was announced exactly once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FileStore, KEYS, type ConversationId, type OttrClient, type SdkStore, type SyncState } from '@ottr/sdk/node';
import { startServer, type TestServer } from '../support/server.js';
import { nodeClient, textOf } from './helpers.js';
import { until } from './suite.js';

let server: TestServer;
let dir: string;
beforeAll(async () => {
  server = await startServer();
  dir = await mkdtemp(path.join(tmpdir(), 'ottr-sdk-crash-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A store that, once a sync page has been saved with its cursor, lets `allowed` more writes through and then fails every write. */
class CrashingStore implements SdkStore {
  armed = false;
  crashed = false;
  writesAfterCursor = 0;
  constructor(
    private readonly inner: SdkStore,
    private readonly allowed: number,
  ) {}
  get(key: string) {
    return this.inner.get(key);
  }
  keys(prefix: string) {
    return this.inner.keys(prefix);
  }
  async write(entries: ReadonlyArray<readonly [string, unknown]>): Promise<void> {
    if (this.crashed) throw new Error('simulated crash: the process is gone');
    if (this.armed && this.writesAfterCursor++ >= this.allowed) {
      this.crashed = true;
      throw new Error('simulated crash: the process is gone');
    }
    await this.inner.write(entries);
    const sync = entries.find(([k]) => k === KEYS.sync)?.[1] as SyncState | undefined;
    if (this.armed === false && sync?.pending && sync.pending.page.entries.some((e) => e.events.length > 0)) this.armed = true;
  }
  close() {
    return this.inner.close?.() ?? Promise.resolve();
  }
}

it('a crash after the cursor was saved and part of the page applied loses nothing and duplicates nothing', async () => {
  const me = await server.signIn();
  const peers = await Promise.all([server.signIn(), server.signIn(), server.signIn()]);
  const file = path.join(dir, 'me.json');

  // First run: the device syncs once (it has a cursor), then goes away.
  const first = nodeClient(server.url, me, { store: new FileStore(file) });
  await first.connect();
  await first.close();

  // While it is away, three people write to it (one conversation each: one sync entry each).
  const expected = new Map<ConversationId, string[]>();
  for (const [i, p] of peers.entries()) {
    const c = nodeClient(server.url, p);
    const cid = (await c.conversations.openDirect(me.accountId as never)).conversation.id;
    const texts = Array.from({ length: 15 }, (_, n) => `peer${i}-${n}`);
    await c.connect();
    for (const t of texts) c.messages.send(cid, t);
    await until([c], () => c.messages.pending().length === 0, `peer ${i} sent`);
    await c.close();
    expected.set(cid, texts);
  }

  const announced: string[] = [];
  const track = (c: OttrClient) => c.on('message', (m) => announced.push(textOf(m.message)!));

  // Second run: the store dies after the page's cursor and one conversation's write.
  const crashing = new CrashingStore(new FileStore(file), 1);
  const second = nodeClient(server.url, me, { store: crashing });
  track(second);
  const failure = new Promise<void>((resolve) => second.on('state', (s) => s.state === 'backing-off' && s.error && resolve()));
  void second.connect().catch(() => undefined);
  await failure;
  expect(crashing.crashed).toBe(true);
  second.disconnect();
  const announcedBeforeCrash = announced.length;
  expect(announcedBeforeCrash).toBeGreaterThan(0); // part of the page was applied…
  expect(announcedBeforeCrash).toBeLessThan(45); // …and part was not

  // Third run on the same file: the saved page is applied again, idempotently, then sync goes on.
  const third = nodeClient(server.url, undefined, { store: new FileStore(file) });
  track(third);
  try {
    await third.connect();
    for (const [cid, texts] of expected) {
      await until([third], () => third.messages.list(cid).length === texts.length, `all of ${cid}`);
      expect(third.messages.list(cid).map(textOf)).toEqual(texts);
    }
    await third.settled();
    const all = [...expected.values()].flat();
    expect([...announced].sort()).toEqual([...all].sort());
    expect(new Set(announced).size).toBe(announced.length);
  } finally {
    await third.close();
  }
});

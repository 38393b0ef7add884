// client.push against a real server and a local Web Push service that decrypts what it gets:
// an SDK client that is connected confirms delivery by itself, so its account is not woken, while
// an account with no client connected is; settings and registrations through the SDK; the
// Node example of docs/sdk.md §15 as a reader would run it.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, FileStore, KEYS, MemoryStore, OttrError, type NodeOttrClient } from '@ottr/sdk/node';
import { startFakeWebPushService, type FakeWebPushService } from '@ottr/server/testing';
import { startServer, type SignedIn, type TestServer } from '../support/server.js';

let server: TestServer;
let fake: FakeWebPushService;
let dir: string;
const clients: NodeOttrClient[] = [];
beforeAll(async () => {
  [server, fake, dir] = await Promise.all([
    startServer({ push: { graceMs: 300, allowInsecureEndpoints: true }, jobs: { pollMs: 50 } }),
    startFakeWebPushService(),
    mkdtemp(path.join(tmpdir(), 'ottr-sdk-push-')),
  ]);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

function client(s: SignedIn): NodeOttrClient {
  const c = createClient({ baseUrl: server.url, session: s, store: new MemoryStore() });
  clients.push(c);
  return c;
}

describe('client.push', () => {
  it('registers this device, and wakes only the account with nothing connected', async () => {
    const [sa, sb, sc] = await Promise.all([server.signIn(), server.signIn(), server.signIn()]);
    const [ada, ben, cyd] = [client(sa), client(sb), client(sc)];
    const config = await ben.push.config();
    expect(config.webpush?.publicKey).toMatch(/^B[A-Za-z0-9_-]{86}$/);
    const benSub = fake.subscribe();
    const cydSub = fake.subscribe();
    expect(await ben.push.registerWebPush(benSub)).toMatchObject({ kind: 'webpush', deviceId: sb.deviceId });
    await cyd.push.registerWebPush(cydSub);
    expect(await ben.push.targets()).toEqual([expect.objectContaining({ kind: 'webpush' })]);
    await expect(ben.push.registerFcm({ token: 'x' })).rejects.toSatisfy((e) => e instanceof OttrError && e.code === 'push_not_configured');

    // Ben's client is connected (it says "delivered" by itself); Cyd's is not.
    await ben.connect();
    await ada.connect();
    const group = await ada.conversations.createGroup({ title: 'Trip', members: [sb.accountId as never, sc.accountId as never] });
    ada.messages.send(group.conversation.id, { kind: 'text', text: 'tickets booked' });
    const [got] = await fake.waitFor(1, 5000);
    expect(got!.endpoint).toBe(cydSub.endpoint);
    expect(got!.payload).toMatchObject({ type: 'message', conversationId: group.conversation.id, title: 'Trip', body: expect.stringContaining('tickets booked') });
    await new Promise((r) => setTimeout(r, 600));
    expect(fake.received.filter((r) => r.endpoint === benSub.endpoint)).toEqual([]);

    await ben.push.unregister('webpush');
    expect(await ben.push.targets()).toEqual([]);
  });

  it('reads and changes the notification settings', async () => {
    const ada = client(await server.signIn());
    expect(await ada.push.settings()).toEqual({ privacy: 'full', mentionsBreakMute: true, dnd: null });
    const dnd = { from: '22:30', to: '06:45', timeZone: 'Asia/Tokyo' };
    expect(await ada.push.updateSettings({ privacy: 'none', dnd })).toEqual({ privacy: 'none', mentionsBreakMute: true, dnd });
    expect(await ada.push.updateSettings({ mentionsBreakMute: false, dnd: null })).toEqual({ privacy: 'none', mentionsBreakMute: false, dnd: null });
    await expect(ada.push.updateSettings({ privacy: 'loud' as never })).rejects.toSatisfy((e) => e instanceof OttrError && e.code === 'validation_failed');
  });
});

describe('docs/sdk.md §15', () => {
  it('the Node example changes the settings and lists the targets, as a reader would run it', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const doc = await readFile(path.join(root, 'docs/sdk.md'), 'utf8');
    const example = /## 15\. Push notifications[\s\S]*?```js\n[\s\S]*?```[\s\S]*?```js\n([\s\S]*?)```/.exec(doc)![1]!;
    const sa = await server.signIn();
    const store = path.join(dir, 'example.json');
    await new FileStore(store).write([[KEYS.session, sa]]);

    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', example], {
      cwd: root,
      env: { ...process.env, OTTR_URL: server.url, OTTR_STORE: store },
    });
    expect(stdout).toMatch(/webpush: \{\s+publicKey: 'B[\w-]+'/);
    expect(stdout).toMatch(/privacy: 'sender'/);
    expect(stdout).toMatch(/from: '22:00',\s+to: '07:00'/);
    expect(stdout).toMatch(/\[\]\n$/);
    expect(await client(sa).push.settings()).toMatchObject({ privacy: 'sender', dnd: { from: '22:00', to: '07:00' } });
  });
});

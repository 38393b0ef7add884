// client.media and client.stickers against a real server: tus uploads with progress, an upload
// interrupted and resumed (bytes counted by a proxy in front of the server), downloads, signed
// URLs, a media message between two people, sticker packs, and a refused file.
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, FileStore, KEYS, MemoryStore, OttrError, type NodeOttrClient } from '@ottr/sdk/node';
import { startServer, type SignedIn, type TestServer } from '../support/server.js';

let server: TestServer;
let dir: string;
const clients: NodeOttrClient[] = [];
beforeAll(async () => {
  [server, dir] = await Promise.all([startServer(), mkdtemp(path.join(tmpdir(), 'ottr-sdk-media-'))]);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function client(s: SignedIn, baseUrl = server.url): NodeOttrClient {
  const c = createClient({ baseUrl, session: s, store: new MemoryStore() });
  clients.push(c);
  return c;
}

/** A PNG of random pixels (noise does not compress: about 3 bytes a pixel). */
async function noisyPng(name: string, width: number, height: number): Promise<string> {
  const file = path.join(dir, name);
  await sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toFile(file);
  return file;
}

/**
 * An HTTP proxy in front of the server that counts the PATCH body bytes it forwards. With
 * `stallAfter`, it stops forwarding once that many bytes went through and calls `onStall` (the
 * upload can then neither finish nor go further).
 */
async function countingProxy(target: string): Promise<{ url: string; patched: number; stallAfter: number; onStall: () => void; close(): Promise<void> }> {
  const state = { patched: 0, stallAfter: Infinity, onStall: () => undefined as void };
  const proxy = http.createServer((req, res) => {
    // The Host header stays the proxy's, so the upload URLs the server answers point at the proxy.
    const upstream = http.request(target + req.url, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    let stalled = false;
    req.on('data', (chunk: Buffer) => {
      if (stalled) return;
      if (req.method === 'PATCH' && state.patched + chunk.length > state.stallAfter) {
        stalled = true;
        state.onStall();
        return;
      }
      if (req.method === 'PATCH') state.patched += chunk.length;
      upstream.write(chunk);
    });
    req.on('end', () => upstream.end());
    req.on('close', () => {
      if (!req.complete || stalled) upstream.destroy();
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => proxy.close(() => resolve())),
  });
}

describe('client.media', () => {
  it('uploads a PNG from a path with progress up to its size, then downloads the same bytes; its signed URL needs no header', async () => {
    const ada = client(await server.signIn());
    const file = await noisyPng('photo.png', 300, 200);
    const bytes = await readFile(file);
    const progress: [number, number][] = [];
    const media = await ada.media.upload({ path: file }, { kind: 'image', onProgress: (sent, total) => progress.push([sent, total]) });

    expect(media).toMatchObject({ status: 'ready', kind: 'image', mime: 'image/png', name: 'photo.png', size: bytes.length, width: 300, height: 200 });
    expect(progress.at(-1)).toEqual([bytes.length, bytes.length]);
    expect(progress.every(([sent, total], i) => total === bytes.length && sent >= (progress[i - 1]?.[0] ?? 0))).toBe(true);
    expect(Buffer.from(await ada.media.download(media.id))).toEqual(bytes);

    const url = await ada.media.url(media.id);
    expect(url).toMatch(new RegExp(`^${server.url}/v1/media/${media.id}/original\\?`));
    const res = await fetch(url!);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
    expect(await fetch(`${server.url}/v1/media/${media.id}/original`).then((r) => r.status)).toBe(401);

    const thumbnail = await ada.media.download(media.id, { variant: 'thumbnail' });
    expect((await sharp(thumbnail).metadata()).format).toBe('webp');
    expect(await ada.media.url(media.id, 'poster')).toBeNull();
    await expect(ada.media.download(media.id, { variant: 'poster' })).rejects.toMatchObject({ code: 'not_found' });
    expect((await ada.media.storage()).usedBytes).toBeGreaterThanOrEqual(bytes.length);
  });

  it('an upload stopped half-way resumes from the server’s offset: the second run sends only the rest, and the result is the same file', async () => {
    const proxy = await countingProxy(server.url);
    try {
      const ben = client(await server.signIn(), proxy.url);
      const file = await noisyPng('big.png', 1600, 1300); // ~6 MB: two chunks of 4 MiB
      const bytes = await readFile(file);
      const controller = new AbortController();
      proxy.stallAfter = 5_000_000;
      proxy.onStall = () => controller.abort();
      const first = ben.media.upload({ path: file }, { kind: 'image', signal: controller.signal });
      await expect(first).rejects.toMatchObject({ code: 'aborted' });
      expect(proxy.patched).toBeGreaterThan(4 * 1024 * 1024);

      proxy.stallAfter = Infinity;
      proxy.patched = 0;
      const progress: number[] = [];
      const media = await ben.media.upload({ path: file }, { kind: 'image', onProgress: (sent) => progress.push(sent) });
      expect(proxy.patched).toBeGreaterThan(0);
      expect(proxy.patched).toBeLessThan(bytes.length - 4 * 1024 * 1024 + 1);
      expect(progress.at(-1)).toBe(bytes.length);
      expect(media).toMatchObject({ status: 'ready', size: bytes.length, width: 1600, height: 1300 });

      const copy = path.join(dir, 'big-copy.png');
      await ben.media.downloadTo(media.id, copy);
      expect((await readFile(copy)).equals(bytes)).toBe(true);
      await expect(ben.media.downloadTo(media.id, copy)).rejects.toMatchObject({ code: 'EEXIST' });
      await ben.media.downloadTo(media.id, copy, { overwrite: true });
    } finally {
      await proxy.close();
    }
  });

  it('a Uint8Array sent as an image message reaches the other person, who downloads it', async () => {
    const [sa, sb] = await Promise.all([server.signIn(), server.signIn()]);
    const [ada, ben] = [client(sa), client(sb)];
    const bytes = await readFile(await noisyPng('shared.png', 64, 48));
    const media = await ada.media.upload(new Uint8Array(bytes), { kind: 'image', name: 'shared.png' });
    const chat = await ada.conversations.openDirect(sb.accountId as never);
    await ada.connect();
    const sent = ada.messages.send(chat.conversation.id, { kind: 'image', mediaId: media.id, caption: 'for you' });
    await new Promise<void>((resolve) => ada.on('status', (n) => n.clientMsgId === sent.clientMsgId && n.status === 'sent' && resolve()));

    const page = await ben.messages.history(chat.conversation.id);
    const content = page.messages.at(-1)?.content;
    expect(content).toMatchObject({ kind: 'image', mediaId: media.id, caption: 'for you', media: { mime: 'image/png', name: 'shared.png', width: 64, height: 48, size: bytes.length } });
    expect(Buffer.from(await ben.media.download(media.id))).toEqual(bytes);
  });

  it('an access token that expired before the upload is refreshed when the tus endpoint says so, and the upload goes through', async () => {
    const short = await startServer({ auth: { accessTokenTtlMs: 1000 } });
    try {
      const s = await short.signIn();
      // Without the expiry the client cannot refresh ahead of time: the server's 401 must do it.
      const { accessTokenExpiresAt, ...session } = s;
      const c = createClient({ baseUrl: short.url, session, store: new MemoryStore() });
      clients.push(c);
      const events: string[] = [];
      c.on('session', (e) => events.push(e.type));
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, accessTokenExpiresAt - Date.now() + 100)));
      const bytes = await readFile(await noisyPng('late.png', 32, 32));
      expect(await c.media.upload(bytes, { kind: 'image' })).toMatchObject({ status: 'ready', size: bytes.length });
      expect(events[0]).toBe('refreshed');
    } finally {
      await short.close();
    }
  });

  it('a .exe renamed .png is refused with media_type_not_allowed', async () => {
    const ada = client(await server.signIn());
    const file = path.join(dir, 'setup.png');
    await writeFile(file, Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'), Buffer.alloc(4096, 0x41)]));
    const refused = await ada.media.upload({ path: file }, { kind: 'image' }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(OttrError);
    expect(refused).toMatchObject({ code: 'media_type_not_allowed', status: 415 });
  });
});

describe('client.stickers', () => {
  it('creates a pack, adds an uploaded sticker with its emoji, and another person installs it', async () => {
    const [sa, sb] = await Promise.all([server.signIn(), server.signIn()]);
    const [ada, ben] = [client(sa), client(sb)];
    const webp = await sharp({ create: { width: 128, height: 128, channels: 4, background: '#3a7' } }).webp().toBuffer();
    const sticker = await ada.media.upload(new Blob([webp]), { kind: 'sticker', name: 'wave.webp' });
    expect(sticker).toMatchObject({ kind: 'sticker', mime: 'image/webp', status: 'ready' });

    const pack = await ada.stickers.create('Otters');
    expect(await ada.stickers.add(pack.id, sticker.id, '👋')).toMatchObject({ id: pack.id, title: 'Otters', stickers: [{ mediaId: sticker.id, emoji: '👋' }] });
    expect((await ada.stickers.list()).map((p) => p.id)).toEqual([pack.id]);

    expect(await ben.stickers.get(pack.id)).toMatchObject({ title: 'Otters', stickers: [{ mediaId: sticker.id }] });
    await ben.stickers.install(pack.id);
    expect((await ben.stickers.list()).map((p) => p.id)).toEqual([pack.id]);
    await ben.stickers.uninstall(pack.id);
    expect(await ben.stickers.list()).toEqual([]);

    await ada.stickers.remove(pack.id, sticker.id);
    expect((await ada.stickers.get(pack.id)).stickers).toEqual([]);
  });
});

describe('docs/sdk.md §14', () => {
  it('the example uploads a picture, sends it and shows its thumbnail, as a reader would run it', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const doc = await readFile(path.join(root, 'docs/sdk.md'), 'utf8');
    const example = /## 14\. Media[\s\S]*?```js\n([\s\S]*?)```/.exec(doc)![1]!;
    const [sa, sb] = await Promise.all([server.signIn(), server.signIn()]);
    const store = path.join(dir, 'example.json');
    await new FileStore(store).write([[KEYS.session, sa]]);
    const photo = await noisyPng('example.png', 120, 90);

    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', example, '--', 'send-photo.mjs', photo, sb.email], {
      cwd: root,
      env: { ...process.env, OTTR_URL: server.url, OTTR_STORE: store },
    });
    expect(stdout).toMatch(/uploading 100%\nuploaded med_\w+ 120×90 image\/png\n/);
    expect(stdout).toMatch(new RegExp(`thumbnail at ${server.url}/v1/media/med_\\w+/thumbnail\\?`));
    expect(stdout).toMatch(/sent; thumbnail \d+ bytes\n$/);

    const ben = client(sb);
    const [chat] = await ben.conversations.load();
    const last = (await ben.messages.history(chat!.conversation.id)).messages.at(-1);
    expect(last?.content).toMatchObject({ kind: 'image', caption: 'example.png', media: { width: 120, height: 90 } });
  });
});


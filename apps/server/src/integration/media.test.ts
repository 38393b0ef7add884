import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { Upload } from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationId, ConversationListItem, Media, MessageEvent, StickerPack, Storage } from '@ottr/protocol';
import { findFfmpeg } from '@ottr/server';
import { eventually, fixturePath, hasGps, mediaFixtures, requireFfmpeg } from '@ottr/server/testing';
import { startTestNode, type TestDevice, type TestNode } from '../test-support/harness.js';

/** Voice waveforms and video posters need ffmpeg (CI installs it; elsewhere those tests skip with the reason). */
const withFfmpeg = requireFfmpeg(await findFfmpeg());

let t: TestNode;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ottr-media-in-'));
  t = await startTestNode({ media: { quotaBytes: 3 * 1024 * 1024, cleanupPeriodMs: 1000, maxBytes: { sticker: 64 * 1024 } }, jobs: { pollMs: 50 } });
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function upload(d: TestDevice, file: string, kind: string, name = path.basename(file)): Promise<{ status: number; body: Media & { code?: string; detail?: string } }> {
  const res = await fetch(`${t.url}/v1/media?kind=${kind}&name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${d.accessToken}`, 'content-type': 'application/octet-stream' },
    body: await readFile(file),
  });
  return { status: res.status, body: (await res.json()) as Media & { code?: string; detail?: string } };
}

async function ready(d: TestDevice, file: string, kind: string, name?: string): Promise<Media> {
  const res = await upload(d, file, kind, name);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.status).toBe('ready');
  return res.body;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const res = await fetch(url.startsWith('http') ? url : t.url + url, { headers });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function pair(): Promise<{ ada: TestDevice; ben: TestDevice; cnv: ConversationId }> {
  const [ada, ben] = await Promise.all([t.signIn(), t.signIn()]);
  const cnv = (await ada.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'direct', peer: ben.accountId })).body.conversation.id;
  return { ada, ben, cnv };
}

async function send(d: TestDevice, cnv: ConversationId, content: object): Promise<{ status: number; body: { event: MessageEvent; code?: string } }> {
  return d.api('POST', `/v1/conversations/${cnv}/messages`, { clientMsgId: `c${Math.random()}`, content });
}

/** Files left in the node's upload staging area and media store. */
async function leftovers(): Promise<string[]> {
  const walk = async (d: string): Promise<string[]> => {
    const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
    const out: string[] = [];
    for (const e of entries) out.push(...(e.isDirectory() ? await walk(path.join(d, e.name)) : [path.join(d, e.name)]));
    return out;
  };
  return [...(await walk(path.join(t.dataDir, 'uploads'))), ...(await walk(path.join(t.dataDir, 'media')))];
}

describe('media uploads', () => {
  it('an image is sniffed, measured, thumbnailed, blurhashed, stripped of EXIF and GPS, and hashed', async () => {
    const { ada } = await pair();
    const file = await mediaFixtures.jpegWithExifAndGps(dir);
    const media = await ready(ada, file, 'image', 'holiday.jpg');
    expect(media).toMatchObject({ kind: 'image', mime: 'image/jpeg', name: 'holiday.jpg', width: 32, height: 64, uploaderId: ada.accountId });
    expect(media.blurhash).toMatch(/^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{6,}$/);
    expect(media.thumbnail).toMatchObject({ mime: 'image/webp' });
    const original = await get(media.urls.original);
    expect(original.status).toBe(200);
    expect(sha256(original.bytes)).toBe(media.sha256);
    expect(media.size).toBe(original.bytes.length);
    const meta = await sharp(original.bytes).metadata();
    expect(hasGps(meta.exif)).toBe(false);
    expect(meta.exif).toBeUndefined();
    const thumb = await get(media.urls.thumbnail!);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    expect((await sharp(thumb.bytes).metadata()).width).toBeLessThanOrEqual(320);
  });

  it('refuses bad files with clear errors and keeps nothing of them', async () => {
    const { ada } = await pair();
    // A JSON document is a file like any other: the body is never parsed.
    const json = path.join(dir, 'data.json');
    await writeFile(json, '{"a":1}');
    const asJson = await fetch(`${t.url}/v1/media?kind=file&name=data.json`, { method: 'POST', headers: { authorization: `Bearer ${ada.accessToken}`, 'content-type': 'application/json' }, body: await readFile(json) });
    expect(asJson.status).toBe(201);
    const before = await leftovers();
    const usage = (await ada.api<Storage>('GET', '/v1/me/storage')).body.usedBytes;
    const exe = await upload(ada, await mediaFixtures.exeRenamedPng(dir), 'image');
    expect(exe.status).toBe(415);
    expect(exe.body.code).toBe('media_type_not_allowed');
    expect(exe.body.detail).toMatch(/x-msdownload|executable|exe/i);
    const truncated = await upload(ada, await mediaFixtures.truncatedJpeg(dir), 'image');
    expect(truncated.status).toBe(422);
    expect(truncated.body.code).toBe('media_invalid');
    const huge = await upload(ada, await mediaFixtures.hugeDimensionsPng(dir), 'image');
    expect(huge.body.code).toBe('media_invalid');
    expect(huge.body.detail).toMatch(/30000/);
    const corrupt = await upload(ada, await mediaFixtures.corruptOgg(dir), 'voice');
    expect(corrupt.status).toBe(422);
    const tooBig = await upload(ada, await mediaFixtures.garbage(dir, 'big.webp', 70 * 1024), 'sticker');
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.code).toBe('media_too_large');
    const badKind = await upload(ada, await mediaFixtures.png(dir, 8, 8), 'picture');
    expect(badKind.status).toBe(400);
    const empty = path.join(dir, 'empty.png');
    await writeFile(empty, '');
    expect((await upload(ada, empty, 'file')).body.code).toBe('media_invalid');
    const quota = await upload(ada, await mediaFixtures.garbage(dir, 'big.bin', 3 * 1024 * 1024 + 1), 'file');
    expect(quota.status).toBe(413);
    expect(quota.body.code).toBe('media_quota_exceeded');
    expect((await ada.api<Storage>('GET', '/v1/me/storage')).body.usedBytes).toBe(usage);
    expect((await leftovers()).filter((f) => !before.includes(f))).toEqual([]);
  });

  it.runIf(withFfmpeg)('voice notes get a duration and a waveform; video a poster', async () => {
    const { ada } = await pair();
    const voice = await ready(ada, fixturePath('voice.ogg'), 'voice');
    expect(voice.mime).toBe('audio/ogg');
    expect(voice.durationMs).toBeGreaterThan(500);
    expect(voice.waveform).toHaveLength(64);
    const webm = await ready(ada, fixturePath('voice.webm'), 'voice');
    expect(webm.mime).toBe('audio/webm');
    expect(webm.durationMs).toBeGreaterThan(500);
    const video = await ready(ada, fixturePath('clip.webm'), 'video');
    expect(video).toMatchObject({ mime: 'video/webm', width: expect.any(Number), height: expect.any(Number), durationMs: expect.any(Number) });
    expect(video.poster).toMatchObject({ mime: 'image/jpeg' });
    expect((await get(video.urls.poster!)).status).toBe(200);
  });
});

describe('media access', () => {
  it('only the uploader and members of a conversation it was sent in can read it; signed URLs expire and cannot be forged', async () => {
    const { ada, ben, cnv } = await pair();
    const carol = await t.signIn();
    const media = await ready(ada, await mediaFixtures.png(dir, 40, 20), 'image');
    expect((await ben.api('GET', `/v1/media/${media.id}`)).status).toBe(404);
    expect((await get(`/v1/media/${media.id}/original`, { authorization: `Bearer ${ben.accessToken}` })).status).toBe(404);
    // Ben cannot send Ada's media himself.
    expect((await send(ben, cnv, { kind: 'image', mediaId: media.id })).body.code).toBe('media_not_found');

    const sent = await send(ada, cnv, { kind: 'image', mediaId: media.id, caption: 'look', media: { mime: 'text/html', size: 1 } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.event.content).toEqual({ kind: 'image', mediaId: media.id, caption: 'look', media: { mime: 'image/png', size: media.size, name: '40x20.png', width: 40, height: 20, blurhash: media.blurhash } });

    const seen = await ben.api<Media>('GET', `/v1/media/${media.id}`);
    expect(seen.status).toBe(200);
    const viaSignedUrl = await get(seen.body.urls.original);
    expect(viaSignedUrl.status).toBe(200);
    expect(sha256(viaSignedUrl.bytes)).toBe(media.sha256);
    expect((await get(`/v1/media/${media.id}/original`, { authorization: `Bearer ${ben.accessToken}` })).status).toBe(200);
    expect((await carol.api('GET', `/v1/media/${media.id}`)).status).toBe(404);

    const url = new URL(seen.body.urls.original, t.url);
    const forged = new URL(url);
    forged.searchParams.set('exp', String(Number(url.searchParams.get('exp')) + 3600_000));
    expect((await get(forged.toString())).status).toBe(403);
    const otherVariant = new URL(url);
    otherVariant.pathname = otherVariant.pathname.replace('/original', '/thumbnail');
    expect((await get(otherVariant.toString())).status).toBe(403);
    const expired = new URL(url);
    expired.searchParams.set('exp', '1000');
    expect((await get(expired.toString())).status).toBe(403);

    // Forwarding needs no new upload; a member who joins a group later does not see older media.
    const group = (await ada.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'group', title: 'g', members: [ben.accountId] })).body.conversation.id;
    const fwd = await ben.api<{ event: MessageEvent }>('POST', `/v1/conversations/${group}/messages`, { clientMsgId: 'fwd', forwardOf: sent.body.event.id });
    expect(fwd.body.event.content).toMatchObject({ kind: 'image', mediaId: media.id });
    await ada.api('POST', `/v1/conversations/${group}/members`, { accountIds: [carol.accountId] });
    expect((await carol.api('GET', `/v1/media/${media.id}`)).status).toBe(404);
  });

  it('serves byte ranges, safe types and dispositions', async () => {
    const { ada } = await pair();
    const html = path.join(dir, 'page.html');
    await writeFile(html, '<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
    const doc = await ready(ada, html, 'file', 'évil "page".html');
    const auth = { authorization: `Bearer ${ada.accessToken}` };
    const whole = await get(doc.urls.original);
    expect(whole.headers.get('content-type')).toBe('application/octet-stream');
    expect(whole.headers.get('content-disposition')).toBe(`attachment; filename="_vil _page_.html"; filename*=UTF-8''%C3%A9vil%20%22page%22.html`);
    expect(whole.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(whole.headers.get('x-content-type-options')).toBe('nosniff');

    const voice = await ready(ada, fixturePath('voice.ogg'), 'voice');
    const full = await get(`/v1/media/${voice.id}/original`, auth);
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    expect(full.headers.get('content-disposition')).toBe('inline; filename="voice.ogg"; filename*=UTF-8\'\'voice.ogg');
    const part = await get(`/v1/media/${voice.id}/original`, { ...auth, range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${full.bytes.length}`);
    expect(part.bytes).toEqual(full.bytes.subarray(10, 20));
    const tail = await get(`/v1/media/${voice.id}/original`, { ...auth, range: 'bytes=-5' });
    expect(tail.bytes).toEqual(full.bytes.subarray(full.bytes.length - 5));
    const open = await get(`/v1/media/${voice.id}/original`, { ...auth, range: `bytes=${full.bytes.length - 3}-` });
    expect(open.bytes).toEqual(full.bytes.subarray(full.bytes.length - 3));
    const outside = await get(`/v1/media/${voice.id}/original`, { ...auth, range: `bytes=${full.bytes.length}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${full.bytes.length}`);
    const stale = await get(`/v1/media/${voice.id}/original`, { ...auth, range: 'bytes=0-9', 'if-range': '"not-the-etag"' });
    expect(stale.status).toBe(200);
    const cached = await get(`/v1/media/${voice.id}/original`, { ...auth, 'if-none-match': full.headers.get('etag')! });
    expect(cached.status).toBe(304);
    expect((await get(`/v1/media/${voice.id}/poster`, auth)).status).toBe(404);
    expect((await get(`/v1/media/${voice.id}/secret`, auth)).status).toBe(404);
    expect((await get(`/v1/media/../../etc/passwd/original`, auth)).status).toBe(404);
  });
});

describe('media in messages', () => {
  it('content kinds must fit the upload; any upload can go as a file; edits keep the media', async () => {
    const { ada, ben, cnv } = await pair();
    const voice = await ready(ada, fixturePath('voice.ogg'), 'voice');
    expect((await send(ada, cnv, { kind: 'image', mediaId: voice.id })).body.code).toBe('validation_failed');
    const note = await send(ada, cnv, { kind: 'voice', mediaId: voice.id });
    expect(note.body.event.content).toMatchObject({ kind: 'voice', media: { mime: 'audio/ogg', durationMs: voice.durationMs, waveform: voice.waveform } });
    const asFile = await send(ada, cnv, { kind: 'file', mediaId: voice.id, caption: 'raw' });
    expect(asFile.status).toBe(200);
    const image = await ready(ada, await mediaFixtures.png(dir, 30, 30), 'image');
    const sent = await send(ada, cnv, { kind: 'image', mediaId: image.id, caption: 'v1' });
    const edit = await ada.api<{ event: { content: unknown } }>('PATCH', `/v1/messages/${sent.body.event.id}`, { content: { kind: 'image', mediaId: image.id, caption: 'v2', media: { mime: 'x/y', size: 1 } } });
    expect(edit.body.event.content).toMatchObject({ caption: 'v2', media: { mime: 'image/png', width: 30 } });
    const history = await ben.api<{ events: MessageEvent[] }>('GET', `/v1/conversations/${cnv}/events`);
    expect(history.body.events.find((e) => e.id === sent.body.event.id)?.content).toMatchObject({ caption: 'v2', media: { mime: 'image/png' } });
  });

  it('deleting the message for everyone deletes the media nothing else references', async () => {
    const { ada, ben, cnv } = await pair();
    const image = await ready(ada, await mediaFixtures.png(dir, 16, 16), 'image');
    const sent = await send(ada, cnv, { kind: 'image', mediaId: image.id });
    const before = (await ada.api<Storage>('GET', '/v1/me/storage')).body.usedBytes;
    expect((await ben.api('GET', `/v1/media/${image.id}`)).status).toBe(200);
    await ada.api('DELETE', `/v1/messages/${sent.body.event.id}`);
    await eventually(async () => (await ada.api('GET', `/v1/media/${image.id}`)).status === 404, 'the media to be deleted', 8000);
    expect((await ada.api<Storage>('GET', '/v1/me/storage')).body.usedBytes).toBe(before - image.size);
    expect((await leftovers()).some((f) => f.includes(image.id))).toBe(false);
  });

  it('deleting an account deletes the media only it referenced', async () => {
    const { ada, ben, cnv } = await pair();
    const kept = await ready(ben, await mediaFixtures.png(dir, 12, 12), 'image');
    await send(ben, cnv, { kind: 'image', mediaId: kept.id });
    const unsent = await ready(ben, await mediaFixtures.png(dir, 14, 14), 'image');
    expect((await ben.api('DELETE', '/v1/me')).status).toBe(204);
    await eventually(async () => !(await leftovers()).some((f) => f.includes(unsent.id)), 'the unsent media to be deleted', 8000);
    expect((await ada.api('GET', `/v1/media/${kept.id}`)).status).toBe(200);
  });
});

describe('resumable uploads (tus)', () => {
  async function tus(d: TestDevice, data: Buffer, opts: { kind: string; filename: string; uploadUrl?: string; stopAfter?: number }): Promise<{ url: string; sent: number; error?: Error; body?: string }> {
    let sent = 0;
    return new Promise((resolve) => {
      const up: Upload = new Upload(data, {
        endpoint: `${t.url}/v1/uploads`,
        ...(opts.uploadUrl !== undefined && { uploadUrl: opts.uploadUrl }),
        chunkSize: 64 * 1024,
        retryDelays: [],
        headers: { authorization: `Bearer ${d.accessToken}` },
        metadata: { kind: opts.kind, filename: opts.filename },
        onChunkComplete(chunk) {
          sent += chunk;
          if (opts.stopAfter !== undefined && sent >= opts.stopAfter) {
            void up.abort().then(() => resolve({ url: up.url!, sent }));
          }
        },
        onSuccess(payload) {
          resolve({ url: up.url!, sent, body: payload.lastResponse.getBody() });
        },
        onError(error) {
          resolve({ url: up.url ?? '', sent, error });
        },
      });
      up.start();
    });
  }

  it('an interrupted upload resumes where it stopped and becomes the media of its URL', async () => {
    const { ada, ben } = await pair();
    const data = Buffer.alloc(400 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 251;
    const first = await tus(ada, data, { kind: 'file', filename: 'data.bin', stopAfter: 128 * 1024 });
    expect(first.url).toMatch(/\/v1\/uploads\/med_[0-9A-Z]{26}$/);
    // Nobody else can look at, continue or cancel it.
    const head = await fetch(first.url, { method: 'HEAD', headers: { authorization: `Bearer ${ben.accessToken}`, 'tus-resumable': '1.0.0' } });
    expect(head.status).toBe(404);
    const second = await tus(ada, data, { kind: 'file', filename: 'data.bin', uploadUrl: first.url });
    expect(second.error).toBeUndefined();
    expect(second.sent).toBeLessThanOrEqual(data.length - 128 * 1024);
    const id = first.url.split('/').pop()!;
    const media = JSON.parse(second.body!) as Media;
    expect(media).toMatchObject({ id, kind: 'file', status: 'ready', name: 'data.bin', size: data.length, sha256: sha256(data) });
    expect((await get(`/v1/media/${id}/original`, { authorization: `Bearer ${ada.accessToken}` })).bytes.equals(data)).toBe(true);
  });

  it('refuses at creation what cannot fit, and a finished upload that fails validation leaves nothing', async () => {
    const { ada } = await pair();
    const tooBig = await tus(ada, Buffer.alloc(65 * 1024), { kind: 'sticker', filename: 's.webp' });
    expect(tooBig.error?.message).toMatch(/413/);
    const noKind = await tus(ada, Buffer.alloc(10), { kind: 'banana', filename: 'x' });
    expect(noKind.error?.message).toMatch(/400/);
    const before = await leftovers();
    const exe = await tus(ada, await readFile(await mediaFixtures.exeRenamedPng(dir)), { kind: 'image', filename: 'photo.png' });
    expect(exe.error?.message).toMatch(/415/);
    expect(exe.error?.message).toMatch(/media_type_not_allowed/);
    expect((await leftovers()).filter((f) => !before.includes(f))).toEqual([]);
  });
});

describe('sticker packs', () => {
  it('a pack is created, filled, found by others, added to their list, and its stickers sent and seen', async () => {
    const { ada, ben, cnv } = await pair();
    const sticker = await ready(ada, await mediaFixtures.webpSticker(dir, 128), 'sticker');
    const pack = await ada.api<StickerPack>('POST', '/v1/sticker-packs', { title: 'Cats' });
    expect(pack.status).toBe(200);
    const image = await ready(ada, await mediaFixtures.png(dir, 10, 10), 'image');
    expect((await ada.api<{ code: string }>('POST', `/v1/sticker-packs/${pack.body.id}/stickers`, { mediaId: image.id })).body.code).toBe('validation_failed');
    expect((await ben.api<{ code: string }>('POST', `/v1/sticker-packs/${pack.body.id}/stickers`, { mediaId: sticker.id })).body.code).toBe('forbidden');
    const filled = await ada.api<StickerPack>('POST', `/v1/sticker-packs/${pack.body.id}/stickers`, { mediaId: sticker.id, emoji: '😺' });
    expect(filled.body.stickers).toEqual([{ mediaId: sticker.id, emoji: '😺', media: expect.objectContaining({ id: sticker.id, kind: 'sticker' }) }]);

    expect((await ben.api<{ items: StickerPack[] }>('GET', '/v1/sticker-packs')).body.items).toEqual([]);
    const found = await ben.api<StickerPack>('GET', `/v1/sticker-packs/${pack.body.id}`);
    expect(found.body.title).toBe('Cats');
    expect((await get(found.body.stickers[0]!.media.urls.original)).status).toBe(200);
    await ben.api('PUT', `/v1/me/sticker-packs/${pack.body.id}`);
    expect((await ben.api<{ items: StickerPack[] }>('GET', '/v1/sticker-packs')).body.items.map((p) => p.id)).toEqual([pack.body.id]);
    const sent = await send(ben, cnv, { kind: 'sticker', mediaId: sticker.id });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    await ben.api('DELETE', `/v1/me/sticker-packs/${pack.body.id}`);
    expect((await ben.api<{ items: StickerPack[] }>('GET', '/v1/sticker-packs')).body.items).toEqual([]);
    expect((await ada.api('DELETE', `/v1/sticker-packs/${pack.body.id}/stickers/${sticker.id}`)).status).toBe(204);
  });
});

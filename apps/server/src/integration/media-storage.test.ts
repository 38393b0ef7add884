import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConversationListItem, Media, MediaId } from '@ottr/protocol';
import { LocalMediaStore, UlidGenerator } from '@ottr/server';
import { eventually, mediaFixtures } from '@ottr/server/testing';
import { createSqliteStore } from '@ottr/store-sqlite';
import { startTestNode } from '../test-support/harness.js';

const scratch = await mkdtemp(path.join(tmpdir(), 'ottr-media-storage-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('a node on S3-compatible storage', () => {
  it('stores uploads, thumbnails and deletions in the bucket and serves ranges from it', async () => {
    // A real S3-compatible server (s3rver, in this process) with its fixed credentials.
    const directory = path.join(scratch, 's3');
    const s3 = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: 'ottr-media' }] });
    const { port } = await s3.run();
    const t = await startTestNode({
      mediaStore: { driver: 's3', s3: { bucket: 'ottr-media', endpoint: `http://127.0.0.1:${port}`, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true, prefix: 'ottr' } },
      media: { cleanupPeriodMs: 1000 },
    });
    try {
      const [ada, ben] = await Promise.all([t.signIn(), t.signIn()]);
      const cnv = (await ada.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'direct', peer: ben.accountId })).body.conversation.id;
      const file = await mediaFixtures.png(scratch, 300, 200);
      const res = await fetch(`${t.url}/v1/media?kind=image&name=p.png`, { method: 'POST', headers: { authorization: `Bearer ${ada.accessToken}` }, body: await readFile(file) });
      const media = (await res.json()) as Media;
      expect(media).toMatchObject({ status: 'ready', width: 300, height: 200, thumbnail: { mime: 'image/webp' } });
      // The objects are in the bucket, under the prefix, not on the node's disk.
      const objects = async () => (await readdir(path.join(directory, 'ottr-media', 'ottr', media.id)).catch(() => [] as string[])).filter((f) => !f.startsWith('.'));
      expect((await objects()).join(' ')).toMatch(/original.*thumbnail|thumbnail.*original/);
      expect(await readdir(path.join(t.dataDir, 'media')).catch(() => [])).toEqual([]);

      const sent = await ada.api<{ event: { id: string } }>('POST', `/v1/conversations/${cnv}/messages`, { clientMsgId: 's3', content: { kind: 'image', mediaId: media.id } });
      const seen = await ben.api<Media>('GET', `/v1/media/${media.id}`);
      const whole = Buffer.from(await (await fetch(t.url + seen.body.urls.original)).arrayBuffer());
      expect(whole.length).toBe(media.size);
      const part = await fetch(t.url + seen.body.urls.original, { headers: { range: 'bytes=8-15' } });
      expect(part.status).toBe(206);
      expect(Buffer.from(await part.arrayBuffer())).toEqual(whole.subarray(8, 16));

      await ada.api('DELETE', `/v1/messages/${sent.body.event.id}`);
      await eventually(async () => (await objects()).length === 0, 'the objects to leave the bucket', 10_000);
      expect((await ada.api('GET', `/v1/media/${media.id}`)).status).toBe(404);
    } finally {
      await t.close();
      await s3.close();
    }
  });
});

describe('processing is a durable job', () => {
  it('an upload a node accepted but did not process (it stopped) is processed by the next node', async () => {
    const dataDir = path.join(scratch, 'restart');
    const first = await startTestNode({ dataDir });
    const ada = await first.signIn();
    await first.close();

    // What a node leaves when it stops right after accepting an upload: the original in the
    // media store, the record `processing`, its job pending — committed together by ingest.
    const id = new UlidGenerator().next('media') as MediaId;
    const media = new LocalMediaStore({ dir: path.join(dataDir, 'media') });
    await media.putFile(`${id}/original`, await mediaFixtures.jpegWithExifAndGps(scratch), 'image/jpeg');
    await media.close();
    const store = createSqliteStore({ path: path.join(dataDir, 'ottr.db') });
    const now = Date.now();
    await store.media.create(
      {
        id, ownerId: ada.accountId, kind: 'image', status: 'processing', mime: 'image/jpeg', size: 1, sha256: 'x', key: `${id}/original`, name: 'left.jpg',
        width: null, height: null, durationMs: null, blurhash: null, waveform: null, thumbnail: null, poster: null, error: null, createdAt: now, releasedAt: null,
      },
      { id: `job_${randomUUID()}`, kind: 'media.process', payload: { mediaId: id }, runAt: now, now },
    );
    await store.close();

    const second = await startTestNode({ dataDir });
    try {
      const again = await second.signIn(ada.email);
      let seen: Media | undefined;
      await eventually(async () => {
        seen = (await again.api<Media>('GET', `/v1/media/${id}`)).body;
        return seen.status === 'ready';
      }, 'the next node to process the upload', 10_000);
      expect(seen).toMatchObject({ width: 32, height: 64, thumbnail: { mime: 'image/webp' }, blurhash: expect.any(String) });
    } finally {
      await second.close();
    }
  });
});

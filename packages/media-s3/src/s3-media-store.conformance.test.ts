import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, describe, expect, it } from 'vitest';
import { mediaStoreConformance } from '@ottr/server/testing';
import { createS3MediaStore, type S3MediaStoreOptions } from './index.js';

// A real S3-compatible server in this process (s3rver's fixed credentials), on a free port.
const directory = await mkdtemp(path.join(tmpdir(), 'ottr-s3rver-'));
const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
const { port } = await server.run();
const options: S3MediaStoreOptions = {
  bucket: 'ottr-media',
  region: 'us-east-1',
  endpoint: `http://127.0.0.1:${port}`,
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
  forcePathStyle: true,
};
const admin = new S3Client({ region: options.region, endpoint: options.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
await admin.send(new CreateBucketCommand({ Bucket: options.bucket }));
admin.destroy();
afterAll(async () => {
  await server.close();
  await rm(directory, { recursive: true, force: true });
});

mediaStoreConformance('s3 (s3rver)', async () => createS3MediaStore(options), {
  'range: the first byte': "s3rver 3.7 serves bytes=0-0 as the whole object (its `end || Infinity`); S3 serves the one byte",
  'a reader sees the old bytes or the new ones, never a mix': 's3rver 3.7 overwrites the object file in place; S3 replaces objects atomically',
});

describe('S3 media store', () => {
  it('keeps objects under the prefix', async () => {
    const prefixed = createS3MediaStore({ ...options, prefix: '/ottr/media/' });
    const root = createS3MediaStore(options);
    try {
      await prefixed.put('med_1/original', Buffer.from('under the prefix'), 'text/plain');
      expect(await root.stat('ottr/media/med_1/original')).toEqual({ size: 16 });
      expect(await root.stat('med_1/original')).toBeNull();
      expect(await prefixed.stat('med_1/original')).toEqual({ size: 16 });
    } finally {
      await Promise.all([prefixed.close(), root.close()]);
    }
  });

  it('rejects, rather than reporting a missing object, when S3 refuses the request', async () => {
    const wrong = createS3MediaStore({ ...options, accessKeyId: 'NOT-A-KEY' }) // s3rver checks key ids, not v4 signatures;
    const missingBucket = createS3MediaStore({ ...options, bucket: 'no-such-bucket' });
    const root = createS3MediaStore(options);
    try {
      await root.put('med_1/original', Buffer.from('there'), 'text/plain');
      await expect(wrong.get('med_1/original')).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
      await expect(wrong.stat('med_1/original')).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
      await expect(missingBucket.put('med_1/original', Buffer.from('x'), 'text/plain')).rejects.toMatchObject({ name: 'NoSuchBucket' });
      await expect(missingBucket.get('med_1/original')).rejects.toMatchObject({ name: 'NoSuchBucket' });
    } finally {
      await Promise.all([wrong.close(), missingBucket.close(), root.close()]);
    }
  });

  /**
   * s3rver behind a proxy that answers the first `failures` PUTs with `status` (after reading
   * their body, as S3 does), and counts the PUTs.
   */
  async function flakyProxy(failures: number, status: number) {
    let puts = 0;
    const proxy = createServer((req: IncomingMessage, res: ServerResponse) => {
      if (req.method === 'PUT' && ++puts <= failures) {
        req.resume().on('end', () => res.writeHead(status, { 'content-type': 'application/xml' }).end('<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>'));
        return;
      }
      const upstream = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const store = createS3MediaStore({ ...options, endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` });
    return {
      store,
      puts: () => puts,
      close: async () => {
        await store.close();
        await new Promise((resolve) => proxy.close(resolve));
      },
    };
  }

  it('putFile sends the file again after throttling or a server error (the SDK cannot rewind a stream)', async () => {
    const file = path.join(directory, 'retried-upload');
    await writeFile(file, 'the bytes of the upload');
    const flaky = await flakyProxy(2, 503);
    try {
      await flaky.store.putFile('med_retry/original', file, 'text/plain');
      expect(flaky.puts()).toBe(3);
      const got = await flaky.store.get('med_retry/original');
      expect(got?.size).toBe(23);
      expect(Buffer.concat(await got!.body.toArray()).toString()).toBe('the bytes of the upload');
    } finally {
      await flaky.close();
    }
  });

  it('putFile gives up after three attempts, and does not repeat a refused request', async () => {
    const file = path.join(directory, 'refused-upload');
    await writeFile(file, 'x');
    const down = await flakyProxy(5, 500);
    const refused = await flakyProxy(5, 403);
    try {
      await expect(down.store.putFile('med_down/original', file, 'text/plain')).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
      expect(down.puts()).toBe(3);
      await expect(refused.store.putFile('med_refused/original', file, 'text/plain')).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
      expect(refused.puts()).toBe(1);
    } finally {
      await Promise.all([down.close(), refused.close()]);
    }
  });
});

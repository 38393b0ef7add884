import { mkdtemp, rm } from 'node:fs/promises';
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
});

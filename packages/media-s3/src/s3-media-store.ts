import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { checkMediaKey, type MediaStore } from '@ottr/server';

export interface S3MediaStoreOptions {
  bucket: string;
  region: string;
  /** An S3-compatible server's URL (MinIO, Ceph, R2, …). Default: AWS for `region`. */
  endpoint?: string;
  /** Without both keys, the SDK's default credential chain (environment, profile, instance role). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `<endpoint>/<bucket>/<key>` instead of `<bucket>.<endpoint>/<key>`; most self-hosted servers need it. */
  forcePathStyle?: boolean;
  /** Folder the objects go under, e.g. `ottr/media` (object `ottr/media/<mediaId>/original`). Default: the bucket's root. */
  prefix?: string;
}

/**
 * A missing object: NoSuchKey from GET; from HEAD, which has no body, a bare 404 (NotFound) that
 * a missing bucket gives too. A missing bucket on GET (NoSuchBucket) is a configuration error and thrown.
 */
function isMissing(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'NoSuchKey' || name === 'NotFound';
}

function lengthOf(contentLength: number | undefined): number {
  if (contentLength === undefined) throw new Error('S3 answered without Content-Length');
  return contentLength;
}

/**
 * Attempts of putFile. The SDK retries throttling, 5xx and dropped connections itself, but not a
 * request whose body is a stream (it cannot rewind one); the store opens the file again instead.
 */
const PUT_FILE_ATTEMPTS = 3;
const PUT_FILE_BACKOFF_MS = 200;

/** What the SDK would have retried: throttling, a server error, a connection lost on the way. */
function isTransient(err: unknown): boolean {
  const e = err as { $metadata?: { httpStatusCode?: number }; code?: unknown } | null;
  const status = e?.$metadata?.httpStatusCode;
  if (status !== undefined) return status === 429 || status >= 500;
  return e?.code === 'ECONNRESET' || e?.code === 'EPIPE' || e?.code === 'ETIMEDOUT';
}

/** The whole object's size from `Content-Range: bytes 0-0/1234`. */
function totalOf(contentRange: string | undefined): number {
  const total = Number(contentRange?.split('/')[1]);
  if (!Number.isSafeInteger(total)) throw new Error(`S3 answered a range request with Content-Range ${JSON.stringify(contentRange)}`);
  return total;
}

/**
 * The media store on S3-compatible object storage, for any number of nodes. A PUT replaces an
 * object atomically on S3's side; files are streamed with their length (no multipart: media
 * size limits stay far below S3's 5 GB for one PUT).
 */
export class S3MediaStore implements MediaStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3MediaStoreOptions) {
    const { bucket, region, endpoint, accessKeyId, secretAccessKey, forcePathStyle = false, prefix = '' } = options;
    this.bucket = bucket;
    this.prefix = prefix.replace(/^\/+|\/+$/g, '');
    this.client = new S3Client({
      region,
      forcePathStyle,
      ...(endpoint && { endpoint }),
      ...(accessKeyId && secretAccessKey && { credentials: { accessKeyId, secretAccessKey } }),
      // Recent SDKs add CRC checksums to every request by default (and send streams aws-chunked);
      // many S3-compatible servers reject that. Checksums only where the API requires them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async putFile(key: string, file: string, contentType: string): Promise<void> {
    const Key = this.key(key);
    const { size } = await stat(file);
    for (let attempt = 1; ; attempt++) {
      const Body = createReadStream(file);
      try {
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body, ContentLength: size, ContentType: contentType }));
        return;
      } catch (err) {
        if (attempt === PUT_FILE_ATTEMPTS || !isTransient(err)) throw err;
      } finally {
        Body.destroy();
      }
      await sleep(PUT_FILE_BACKOFF_MS * 2 ** (attempt - 1));
    }
  }

  async put(key: string, data: Uint8Array, contentType: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key(key), Body: data, ContentLength: data.byteLength, ContentType: contentType }));
  }

  async get(key: string, range?: { start: number; end: number }): Promise<{ body: Readable; size: number } | null> {
    const Key = this.key(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key, ...(range && { Range: `bytes=${range.start}-${range.end}` }) }));
      const body = out.Body as Readable;
      try {
        return { body, size: range ? totalOf(out.ContentRange) : lengthOf(out.ContentLength) };
      } catch (err) {
        body.destroy(); // an answer we cannot use must not hold its connection
        throw err;
      }
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async stat(key: string): Promise<{ size: number } | null> {
    const Key = this.key(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      return { size: lengthOf(out.ContentLength) };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    // S3 answers 204 for a key that is not there.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private key(key: string): string {
    checkMediaKey(key);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }
}

/** The S3 media store of `options`; no request is made until it is used. */
export function createS3MediaStore(options: S3MediaStoreOptions): S3MediaStore {
  return new S3MediaStore(options);
}

import { createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { link, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Server as TusServer } from '@tus/server';
import { FileStore } from '@tus/file-store';
import { MEDIA_KINDS, MEDIA_VARIANTS, TUS_PATH, isId, type AccountId, type MediaId, type MediaKind, type MediaVariantName } from '@ottr/protocol';
import { AppError } from '../../errors/index.js';
import type { Clock, IdGenerator } from '../../ports/index.js';
import type { RawRoutes } from '../../transport/http/index.js';
import { toProblem } from '../../transport/http/index.js';
import { cleanFileName, contentDisposition, parseRange, servedAs } from './http-files.js';
import { formatBytes, type MediaService } from './media.service.js';
import type { UrlSigner } from './signing.js';

/** The account behind each authenticated tus request (tus hands its hooks a wrapper of the request). */
const owners = new WeakMap<IncomingMessage, AccountId>();

function ownerOf(req: unknown): AccountId {
  const raw = (req as { runtime?: { node?: { req?: IncomingMessage } } }).runtime?.node?.req;
  const owner = raw && owners.get(raw);
  if (!owner) throw new Error('tus request without an authenticated account');
  return owner;
}
const KIND_LIST = MEDIA_KINDS.join(', ');

export interface MediaFilesOptions {
  media: MediaService;
  signer: UrlSigner;
  clock: Clock;
  ids: IdGenerator;
  /** Unfinished resumable uploads are dropped after this long. */
  uploadExpiryMs: number;
  simpleUploadMaxBytes: number;
}

/** How a tus hook answers an error: tus sends `status_code` with `body`, our problem+json. */
class TusHookError extends Error {
  readonly status_code: number;
  readonly body: string;
  constructor(err: unknown) {
    const appError = err instanceof AppError ? err : new AppError('internal');
    super(appError.message, { cause: err });
    this.status_code = appError.status;
    this.body = JSON.stringify(toProblem(appError));
  }
}

function parseKind(value: unknown): MediaKind {
  if (typeof value !== 'string' || !(MEDIA_KINDS as readonly string[]).includes(value)) {
    throw new AppError('validation_failed', `kind must be one of ${KIND_LIST}`);
  }
  return value as MediaKind;
}

/**
 * The media routes that move bytes: the single-request upload (POST /v1/media), the tus
 * resumable upload (/v1/uploads), and the files (GET /v1/media/{id}/{variant}) with signed URLs
 * and Range. Returns the routes and `sweep`, which drops expired unfinished uploads.
 */
export function mediaFiles(o: MediaFilesOptions): { routes: RawRoutes; sweep(): Promise<number> } {
  const tusDir = path.join(o.media.stagingDir, 'tus');
  const simpleDir = path.join(o.media.stagingDir, 'simple');
  const ready = Promise.all([mkdir(tusDir, { recursive: true }), mkdir(simpleDir, { recursive: true })]);
  const datastore = new FileStore({ directory: tusDir, expirationPeriodInMilliseconds: o.uploadExpiryMs });

  const tus = new TusServer({
    path: TUS_PATH,
    datastore,
    relativeLocation: true,
    // The upload's id is the media id it becomes: clients know it from the upload URL.
    namingFunction: () => o.ids.next('media'),
    maxSize: Math.max(...MEDIA_KINDS.map((k) => o.media.maxBytes(k))),
    async onUploadCreate(req, upload) {
      try {
        const owner = ownerOf(req);
        const kind = parseKind(upload.metadata?.kind);
        if (upload.size === undefined) throw new AppError('validation_failed', 'Give the size of the upload (Upload-Length); deferred lengths are not supported');
        await o.media.checkRoom(owner, kind, upload.size);
        return { metadata: { ...upload.metadata, kind, owner } };
      } catch (err) {
        throw new TusHookError(err);
      }
    },
    async onUploadFinish(_req, upload) {
      const { owner, kind, filename } = upload.metadata ?? {};
      // The finished file leaves tus's area under a second name, so that tus forgets the upload
      // (its info file goes too) whatever ingest decides; ingest removes the file in any case.
      const file = path.join(simpleDir, `tus-${upload.id}`);
      try {
        await link(path.join(tusDir, upload.id), file);
        await datastore.remove(upload.id);
        const media = await o.media.ingest(owner as AccountId, file, { id: upload.id as MediaId, kind: parseKind(kind), name: cleanFileName(filename ?? undefined) });
        return { status_code: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify(media) };
      } catch (err) {
        await rm(file, { force: true });
        throw new TusHookError(err);
      }
    },
  });

  async function tusRoute(req: FastifyRequest, reply: FastifyReply, authenticate: (req: FastifyRequest) => Promise<{ accountId: AccountId }>): Promise<void> {
    if (req.method !== 'OPTIONS') {
      const { accountId } = await authenticate(req);
      const id = (req.params as { id?: string }).id;
      if (id !== undefined) {
        // Only its uploader may see, continue or cancel an upload.
        const upload = isId('media', id) ? await datastore.getUpload(id).catch(() => null) : null;
        if (!upload || upload.metadata?.owner !== accountId) throw new AppError('not_found', 'No such upload (it may have expired or finished)');
      }
      owners.set(req.raw, accountId);
    }
    await ready;
    reply.hijack();
    await tus.handle(req.raw, reply.raw);
  }

  async function simpleUpload(req: FastifyRequest, reply: FastifyReply, accountId: AccountId): Promise<void> {
    const query = req.query as Record<string, unknown>;
    for (const key of Object.keys(query)) if (key !== 'kind' && key !== 'name') throw new AppError('validation_failed', `unknown query parameter '${key}'`);
    const kind = parseKind(query.kind);
    if (query.name !== undefined && (typeof query.name !== 'string' || query.name.length > 255)) throw new AppError('validation_failed', 'name must be at most 255 characters');
    const limit = Math.min(o.media.maxBytes(kind), o.simpleUploadMaxBytes);
    const tooLarge = () =>
      limit < o.media.maxBytes(kind)
        ? new AppError('payload_too_large', `A single-request upload may be at most ${formatBytes(limit)}; upload larger files with tus at ${TUS_PATH}`)
        : new AppError('media_too_large', `A ${kind} may be at most ${formatBytes(limit)}`);
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > limit) {
      // Refused before reading: the unread body makes the connection unusable.
      reply.header('connection', 'close');
      throw tooLarge();
    }
    await ready;
    const file = path.join(simpleDir, `post-${o.ids.next('media')}`);
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        done(received > limit ? tooLarge() : null, chunk);
      },
    });
    try {
      await pipeline(req.raw, counter, createWriteStream(file));
    } catch (err) {
      await rm(file, { force: true });
      if (err instanceof AppError) {
        // The rest of the body is not read; the connection cannot be reused.
        reply.header('connection', 'close');
        throw err;
      }
      throw new AppError('bad_request', 'The upload was interrupted');
    }
    const media = await o.media.ingest(accountId, file, { kind, name: cleanFileName(typeof query.name === 'string' ? query.name : undefined) });
    reply.code(201).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(media));
  }

  async function serveFile(req: FastifyRequest, reply: FastifyReply, authenticate: (req: FastifyRequest) => Promise<{ accountId: AccountId }>): Promise<FastifyReply> {
    const { mediaId, variant } = req.params as { mediaId: string; variant: string };
    if (!isId('media', mediaId) || !(MEDIA_VARIANTS as readonly string[]).includes(variant)) throw new AppError('not_found', 'No such media file');
    const query = req.query as Record<string, unknown>;
    let reader: AccountId | null = null;
    if (query.sig !== undefined || query.exp !== undefined) {
      if (typeof query.sig !== 'string' || typeof query.exp !== 'string' || !/^[0-9]{1,16}$/.test(query.exp)) throw new AppError('forbidden', 'The link is malformed');
      const verdict = o.signer.check(mediaId as MediaId, variant as MediaVariantName, query.exp, query.sig, o.clock.now());
      if (verdict === 'invalid') throw new AppError('forbidden', 'The link is not valid for this file');
      if (verdict === 'expired') throw new AppError('forbidden', 'The link has expired; ask for the media again (GET /v1/media/{mediaId}) for a new one');
    } else {
      reader = (await authenticate(req)).accountId;
    }
    const refused: { size?: number } = {};
    const file = await o.media.openFile(reader, mediaId as MediaId, variant as MediaVariantName, (size, etag) => {
      const r = parseRange(req.headers.range, size);
      if (r === 'unsatisfiable') {
        refused.size = size;
        return null;
      }
      // If-Range: a range of the version the client has, else the whole (new) file.
      const ifRange = req.headers['if-range'];
      return ifRange !== undefined && ifRange !== etag ? null : r;
    });
    const etag = file.etag;
    const { contentType, inline } = servedAs(file.mime, query.download === '1');
    reply
      .header('accept-ranges', 'bytes')
      .header('etag', etag)
      .header('cache-control', 'private, max-age=300')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cross-origin-resource-policy', 'same-origin')
      .header('content-disposition', contentDisposition(inline, file.name));
    if (refused.size !== undefined) {
      file.body.destroy();
      reply.header('content-range', `bytes */${refused.size}`);
      throw new AppError('range_not_satisfiable', `The file has ${refused.size} bytes`);
    }
    if (req.headers['if-none-match'] === etag) {
      file.body.destroy();
      return reply.code(304).send();
    }
    reply.header('content-type', contentType);
    if (file.range) {
      reply.code(206).header('content-range', `bytes ${file.range.start}-${file.range.end}/${file.size}`).header('content-length', String(file.range.end - file.range.start + 1));
    } else {
      reply.code(200).header('content-length', String(file.size));
    }
    if (req.method === 'HEAD') {
      file.body.destroy();
      return reply.send();
    }
    return reply.send(file.body);
  }

  const routes: RawRoutes = (scope, tools) => {
    const guard =
      (handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) =>
      async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
        try {
          await handler(req, reply);
        } catch (err) {
          if (!reply.sent) tools.sendError(err, req, reply);
        }
      };
    tools.label('POST', '/v1/media', 'uploadMedia');
    scope.post('/v1/media', guard(async (req, reply) => simpleUpload(req, reply, (await tools.authenticate(req)).accountId)));
    tools.label('GET', '/v1/media/{mediaId}/{variant}', 'getMediaFile');
    scope.route({ method: ['GET', 'HEAD'], url: '/v1/media/:mediaId/:variant', handler: guard((req, reply) => serveFile(req, reply, (r) => tools.authenticate(r))) });
    for (const [url, name] of [[TUS_PATH, 'tusCreate'], [`${TUS_PATH}/:id`, 'tusUpload']] as const) {
      for (const method of ['POST', 'HEAD', 'PATCH', 'DELETE', 'OPTIONS']) tools.label(method, url.replace(':id', '{id}'), name);
      scope.route({ method: ['POST', 'HEAD', 'PATCH', 'DELETE', 'OPTIONS'], url, handler: guard((req, reply) => tusRoute(req, reply, (r) => tools.authenticate(r))) });
    }
  };

  return { routes, sweep: () => tus.cleanUpExpiredUploads() };
}

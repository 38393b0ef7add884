import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { AccountIdSchema, MediaIdSchema, StickerPackIdSchema } from './ids.js';
import { MEDIA_KINDS, MediaInfoSchema } from './content.js';

const Strict = { additionalProperties: false } as const;

/** What an upload is meant to be; decides the allowed content, the size limit and the processing. */
export const MediaKindSchema = Type.Union(
  MEDIA_KINDS.map((k) => Type.Literal(k)),
  { description: 'image, video, audio, voice (a voice note), file (any document) or sticker' },
);

/** The files of a media object: the upload itself, a small preview, and a video's poster frame. */
export const MEDIA_VARIANTS = ['original', 'thumbnail', 'poster'] as const;
export type MediaVariantName = (typeof MEDIA_VARIANTS)[number];

const VariantInfo = Type.Object({ mime: Type.String(), width: Type.Integer(), height: Type.Integer(), size: Type.Integer() }, Strict);

/** A media object as its readers see it, with URLs signed for them. */
export const MediaSchema = Type.Object(
  {
    id: MediaIdSchema,
    kind: MediaKindSchema,
    /** `processing` right after upload; messages can use it once `ready`. */
    status: Type.Union([Type.Literal('processing'), Type.Literal('ready'), Type.Literal('failed')]),
    /** As messages carry it: the sniffed type, size, name, dimensions, duration, blurhash and voice-note waveform (64 buckets, 0–255). */
    ...MediaInfoSchema.properties,
    /** SHA-256 of the stored file, lower-case hex. */
    sha256: Type.String(),
    thumbnail: Type.Optional(VariantInfo),
    poster: Type.Optional(VariantInfo),
    /** Why processing failed. */
    error: Type.Optional(Type.String()),
    uploaderId: AccountIdSchema,
    createdAt: Type.Integer(),
    /**
     * Relative URLs of the files (resolve against the server's base URL), signed for whoever asked:
     * they work without an Authorization header (e.g. in <img src>) until `expiresAt` (ms since epoch).
     */
    urls: Type.Object(
      {
        original: Type.String(),
        thumbnail: Type.Optional(Type.String()),
        poster: Type.Optional(Type.String()),
        expiresAt: Type.Integer(),
      },
      Strict,
    ),
  },
  Strict,
);
export type Media = Static<typeof MediaSchema>;

export const MediaUploadQuerySchema = Type.Object(
  {
    kind: MediaKindSchema,
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'The file name to show and to download as' })),
  },
  Strict,
);

export const MediaFileQuerySchema = Type.Object(
  {
    exp: Type.Optional(Type.String({ pattern: '^[0-9]{1,16}$', description: 'Expiry of a signed URL (ms since epoch)' })),
    sig: Type.Optional(Type.String({ maxLength: 128, description: 'Signature of a signed URL' })),
    download: Type.Optional(Type.Literal('1', { description: 'Content-Disposition: attachment' })),
  },
  Strict,
);

/** Limits that apply to the caller's uploads, and what it has used. */
export const StorageSchema = Type.Object(
  {
    usedBytes: Type.Integer({ minimum: 0 }),
    quotaBytes: Type.Integer({ minimum: 0 }),
    /** Largest file per kind, bytes. */
    maxBytes: Type.Object(Object.fromEntries(MEDIA_KINDS.map((k) => [k, Type.Integer()])) as Record<(typeof MEDIA_KINDS)[number], ReturnType<typeof Type.Integer>>, Strict),
    /** Largest body of the single-request upload (POST /v1/media); larger files go through tus at /v1/uploads. */
    simpleUploadMaxBytes: Type.Integer(),
  },
  Strict,
);
export type Storage = Static<typeof StorageSchema>;

export const StickerSchema = Type.Object(
  {
    mediaId: MediaIdSchema,
    emoji: Type.Optional(Type.String()),
    media: MediaSchema,
  },
  Strict,
);

export const StickerPackSchema = Type.Object(
  {
    id: StickerPackIdSchema,
    ownerId: AccountIdSchema,
    title: Type.String(),
    createdAt: Type.Integer(),
    stickers: Type.Array(StickerSchema),
  },
  Strict,
);
export type StickerPack = Static<typeof StickerPackSchema>;

export const CreateStickerPackSchema = Type.Object({ title: Type.String({ minLength: 1, maxLength: 64 }) }, Strict);
export const AddStickerSchema = Type.Object(
  { mediaId: MediaIdSchema, emoji: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })) },
  Strict,
);

/** Stickers per pack. */
export const STICKERS_PER_PACK = 120;

/**
 * The resumable upload endpoint (tus 1.0.0, with the creation, termination and expiration
 * extensions). Metadata: `kind` (required, a MediaKind) and `filename`. The upload's URL ends
 * in the media id it becomes: `/v1/uploads/med_…`.
 */
export const TUS_PATH = '/v1/uploads';

/** A binary route: like RouteSpec, but bytes in or out. `auth: 'signed'` also accepts a signed URL instead of the header. */
export interface BinaryRouteSpec {
  method: 'GET' | 'POST';
  path: string;
  tag: string;
  summary: string;
  auth: true | 'signed';
  params?: TSchema;
  query?: TSchema;
  status: number;
  /** JSON answer; null: the file's bytes. */
  response: TSchema | null;
}

/**
 * Binary routes (not JSON): served outside ROUTES' JSON handling, listed here for the OpenAPI
 * document and clients.
 */
export const BINARY_ROUTES = {
  uploadMedia: {
    method: 'POST',
    path: '/v1/media',
    tag: 'media',
    auth: true,
    summary: 'Upload a file in one request (the raw bytes as the body, any Content-Type); answers the media object (201), ready or still processing',
    query: MediaUploadQuerySchema,
    status: 201,
    response: MediaSchema,
  },
  getMediaFile: {
    method: 'GET',
    path: '/v1/media/{mediaId}/{variant}',
    tag: 'media',
    auth: 'signed',
    summary: 'The bytes of a media file (variant original, thumbnail or poster); Authorization header or a signed URL; Range requests answered with 206',
    params: Type.Object({ mediaId: MediaIdSchema, variant: Type.Union(MEDIA_VARIANTS.map((v) => Type.Literal(v))) }, Strict),
    query: MediaFileQuerySchema,
    status: 200,
    response: null,
  },
} as const satisfies Record<string, BinaryRouteSpec>;

import { Type, type Static } from '@sinclair/typebox';
import { AccountIdSchema, MediaIdSchema } from './ids.js';
import { LIMITS } from './limits.js';

const Caption = Type.Optional(Type.String({ maxLength: LIMITS.captionBytes, description: `At most ${LIMITS.captionBytes} UTF-8 bytes` }));

export const MentionSchema = Type.Object(
  {
    accountId: AccountIdSchema,
    /** Offset and length in UTF-16 code units into `text`. */
    offset: Type.Integer({ minimum: 0 }),
    length: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);

/** A link the server found in the text (clients do not send these). */
export const LinkSchema = Type.Object(
  { url: Type.String(), offset: Type.Integer({ minimum: 0 }), length: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);

export const TextContentSchema = Type.Object(
  {
    kind: Type.Literal('text'),
    text: Type.String({ minLength: 1, maxLength: LIMITS.textBytes, description: `1 to ${LIMITS.textBytes} UTF-8 bytes` }),
    mentions: Type.Optional(Type.Array(MentionSchema, { maxItems: LIMITS.mentionsPerMessage })),
    /** Filled in by the server from `text`; whatever a client sends here is replaced. */
    links: Type.Optional(Type.Array(LinkSchema, { maxItems: 1000 })),
  },
  { additionalProperties: false },
);

/** Media as stored by the server (filled in from the upload; clients send only `mediaId`). */
export const MediaInfoSchema = Type.Object(
  {
    mime: Type.String(),
    size: Type.Integer({ minimum: 0 }),
    name: Type.Optional(Type.String()),
    width: Type.Optional(Type.Integer()),
    height: Type.Optional(Type.Integer()),
    durationMs: Type.Optional(Type.Integer()),
    blurhash: Type.Optional(Type.String()),
    waveform: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 255 }))),
  },
  { additionalProperties: false },
);

const mediaFields = { mediaId: MediaIdSchema, media: Type.Optional(MediaInfoSchema) };

function mediaKind<K extends string>(kind: K) {
  return Type.Object({ kind: Type.Literal(kind), ...mediaFields }, { additionalProperties: false });
}

function captionedMediaKind<K extends string>(kind: K) {
  return Type.Object({ kind: Type.Literal(kind), ...mediaFields, caption: Caption }, { additionalProperties: false });
}

export const ImageContentSchema = captionedMediaKind('image');
export const VideoContentSchema = captionedMediaKind('video');
export const AudioContentSchema = captionedMediaKind('audio');
export const VoiceContentSchema = mediaKind('voice');
export const FileContentSchema = captionedMediaKind('file');
export const StickerContentSchema = mediaKind('sticker');

export const LocationContentSchema = Type.Object(
  {
    kind: Type.Literal('location'),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    name: Type.Optional(Type.String({ maxLength: 256 })),
    address: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);

export const ContactContentSchema = Type.Object(
  {
    kind: Type.Literal('contact'),
    name: Type.String({ minLength: 1, maxLength: 256 }),
    phones: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 20 })),
    emails: Type.Optional(Type.Array(Type.String({ maxLength: 254 }), { maxItems: 20 })),
    accountId: Type.Optional(AccountIdSchema),
  },
  { additionalProperties: false },
);

export const ContentSchema = Type.Union(
  [
    TextContentSchema,
    ImageContentSchema,
    VideoContentSchema,
    AudioContentSchema,
    VoiceContentSchema,
    FileContentSchema,
    StickerContentSchema,
    LocationContentSchema,
    ContactContentSchema,
  ],
  { description: 'Message content, discriminated by `kind`' },
);

export type Mention = Static<typeof MentionSchema>;
export type Link = Static<typeof LinkSchema>;
export type TextContent = Static<typeof TextContentSchema>;
export type Content = Static<typeof ContentSchema>;
export type ContentKind = Content['kind'];
export const MEDIA_KINDS = ['image', 'video', 'audio', 'voice', 'file', 'sticker'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export function isMediaContent(c: Content): c is Extract<Content, { mediaId: unknown }> {
  return (MEDIA_KINDS as readonly string[]).includes(c.kind);
}

import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { AccountIdSchema, ConversationIdSchema, MessageIdSchema } from './ids.js';
import { ContentSchema } from './content.js';
import { EventSchema } from './events.js';
import { ConversationSchema, MembershipSchema, PresenceSchema, SyncPageSchema } from './models.js';
import { LIMITS } from './limits.js';
import { ERROR_CODES } from './errors.js';

/** Bumped on incompatible changes; sent by the client in `auth`, by the server in `ready`. */
export const PROTOCOL_VERSION = 1;

export const RequestIdSchema = Type.String({ minLength: 1, maxLength: 64, description: 'Echoed in the reply' });
export const ClientMsgIdSchema = Type.String({
  minLength: 1,
  maxLength: LIMITS.clientMsgIdLength,
  description: 'Chosen by the sending device; the same (device, clientMsgId) always yields the same event',
});
export const EmojiSchema = Type.String({ minLength: 1, maxLength: LIMITS.emojiLength });

/** Body of a send, shared by the `send` frame and POST /v1/conversations/{id}/messages. */
export const SendBodySchema = Type.Object(
  {
    clientMsgId: ClientMsgIdSchema,
    content: Type.Optional(ContentSchema),
    replyTo: Type.Optional(MessageIdSchema),
    /** Forward an existing message you can read: its content is copied; `content` must be absent. */
    forwardOf: Type.Optional(MessageIdSchema),
  },
  { additionalProperties: false },
);
export type SendBody = Static<typeof SendBodySchema>;

function request<T extends string, P extends Record<string, TSchema>>(type: T, props: P) {
  return Type.Object({ type: Type.Literal(type), id: RequestIdSchema, ...props }, { additionalProperties: false });
}

// ---- client → server -------------------------------------------------------------------

export const AuthFrameSchema = request('auth', {
  token: Type.String({ minLength: 1, maxLength: 4096 }),
  protocol: Type.Optional(Type.Integer({ minimum: 1 })),
});
export const SendFrameSchema = Type.Composite(
  [request('send', { conversationId: ConversationIdSchema }), SendBodySchema],
  { additionalProperties: false },
);
export const EditFrameSchema = request('edit', { messageId: MessageIdSchema, content: ContentSchema });
export const DeleteFrameSchema = request('delete', { messageId: MessageIdSchema });
export const ReactFrameSchema = request('react', {
  messageId: MessageIdSchema,
  emoji: EmojiSchema,
  remove: Type.Optional(Type.Boolean()),
});
export const DeliveredFrameSchema = request('delivered', { conversationId: ConversationIdSchema, seq: Type.Integer({ minimum: 1 }) });
export const ReadFrameSchema = request('read', { conversationId: ConversationIdSchema, seq: Type.Integer({ minimum: 1 }) });
export const TypingFrameSchema = Type.Object(
  {
    type: Type.Literal('typing'),
    id: Type.Optional(RequestIdSchema),
    conversationId: ConversationIdSchema,
    state: Type.Union([Type.Literal('typing'), Type.Literal('stopped')]),
  },
  { additionalProperties: false },
);
export const SyncFrameSchema = request('sync', {
  since: Type.Optional(Type.String({ maxLength: 512 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.syncPageEvents })),
});
export const PresenceSubscribeFrameSchema = request('presence_subscribe', {
  accountIds: Type.Array(AccountIdSchema, { minItems: 1, maxItems: LIMITS.presenceSubscriptions }),
});
export const PresenceUnsubscribeFrameSchema = request('presence_unsubscribe', {
  accountIds: Type.Array(AccountIdSchema, { minItems: 1, maxItems: LIMITS.presenceSubscriptions }),
});
/** Application-level heartbeat for clients that cannot send WebSocket pings (browsers). */
export const PingFrameSchema = request('ping', {});

export const ClientFrameSchemas = {
  auth: AuthFrameSchema,
  send: SendFrameSchema,
  edit: EditFrameSchema,
  delete: DeleteFrameSchema,
  react: ReactFrameSchema,
  delivered: DeliveredFrameSchema,
  read: ReadFrameSchema,
  typing: TypingFrameSchema,
  sync: SyncFrameSchema,
  presence_subscribe: PresenceSubscribeFrameSchema,
  presence_unsubscribe: PresenceUnsubscribeFrameSchema,
  ping: PingFrameSchema,
} as const;
export type ClientFrameType = keyof typeof ClientFrameSchemas;
export type ClientFrame = { [K in ClientFrameType]: Static<(typeof ClientFrameSchemas)[K]> }[ClientFrameType];
export type ClientFrameOf<K extends ClientFrameType> = Static<(typeof ClientFrameSchemas)[K]>;

// ---- replies: what each request's `result` holds ---------------------------------------------

export const EventResultSchema = Type.Object({ event: EventSchema }, { additionalProperties: false });
export const EmptyResultSchema = Type.Object({}, { additionalProperties: false });
export const PresenceResultSchema = Type.Object({ presence: Type.Array(PresenceSchema) }, { additionalProperties: false });

export const PingResultSchema = Type.Object({ serverTime: Type.Integer() }, { additionalProperties: false });

/** The `result` of each request type (`auth` is answered by a `ready` frame instead). */
export const ResultSchemas = {
  send: EventResultSchema,
  edit: EventResultSchema,
  delete: EventResultSchema,
  react: EventResultSchema,
  delivered: EmptyResultSchema,
  read: EmptyResultSchema,
  typing: EmptyResultSchema,
  sync: SyncPageSchema,
  presence_subscribe: PresenceResultSchema,
  presence_unsubscribe: EmptyResultSchema,
  ping: PingResultSchema,
} as const satisfies Record<Exclude<ClientFrameType, 'auth'>, TSchema>;
export type ResultOf<K extends keyof typeof ResultSchemas> = Static<(typeof ResultSchemas)[K]>;

// ---- server → client -------------------------------------------------------------------

export const ReadyFrameSchema = Type.Object(
  {
    type: Type.Literal('ready'),
    id: RequestIdSchema,
    accountId: AccountIdSchema,
    deviceId: Type.String(),
    protocol: Type.Integer(),
    serverTime: Type.Integer(),
    heartbeatMs: Type.Integer(),
    maxFrameBytes: Type.Integer(),
  },
  { additionalProperties: false, description: 'Reply to `auth`: the connection is authenticated and live' },
);
export const ResultFrameSchema = Type.Object(
  { type: Type.Literal('result'), id: RequestIdSchema, result: Type.Unknown() },
  { additionalProperties: false, description: 'Successful reply to a request; `result` has the shape given per request type' },
);
export const ErrorFrameSchema = Type.Object(
  {
    type: Type.Literal('error'),
    /** The request's id when the request could be parsed far enough to read it. */
    id: Type.Optional(Type.String()),
    code: Type.Union(ERROR_CODES.map((c) => Type.Literal(c))),
    status: Type.Integer(),
    message: Type.String(),
    retryable: Type.Boolean(),
  },
  { additionalProperties: false },
);
export const EventFrameSchema = Type.Object(
  { type: Type.Literal('event'), event: EventSchema },
  { additionalProperties: false, description: 'A new conversation event (not echoed to the connection that sent it)' },
);
export const ReceiptFrameSchema = Type.Object(
  {
    type: Type.Literal('receipt'),
    conversationId: ConversationIdSchema,
    accountId: AccountIdSchema,
    readSeq: Type.Integer(),
    deliveredSeq: Type.Integer(),
  },
  { additionalProperties: false, description: "A member's receipt pointers moved" },
);
export const TypingEventFrameSchema = Type.Object(
  {
    type: Type.Literal('typing'),
    conversationId: ConversationIdSchema,
    accountId: AccountIdSchema,
    state: Type.Union([Type.Literal('typing'), Type.Literal('stopped')]),
    /** Treat as stopped after this many ms without a new typing frame. */
    expiresInMs: Type.Integer(),
  },
  { additionalProperties: false },
);
export const PresenceFrameSchema = Type.Composite([Type.Object({ type: Type.Literal('presence') }), PresenceSchema], {
  additionalProperties: false,
});
export const MembershipFrameSchema = Type.Object(
  { type: Type.Literal('membership'), conversation: ConversationSchema, membership: MembershipSchema },
  { additionalProperties: false, description: 'Your own membership changed (added, removed, left, role, mute, archive, pin)' },
);

export const ServerFrameSchema = Type.Union([
  ReadyFrameSchema,
  ResultFrameSchema,
  ErrorFrameSchema,
  EventFrameSchema,
  ReceiptFrameSchema,
  TypingEventFrameSchema,
  PresenceFrameSchema,
  MembershipFrameSchema,
]);
export type ServerFrame = Static<typeof ServerFrameSchema>;
export type ReadyFrame = Static<typeof ReadyFrameSchema>;
export type ErrorFrame = Static<typeof ErrorFrameSchema>;
export type EventFrame = Static<typeof EventFrameSchema>;
export type ReceiptFrame = Static<typeof ReceiptFrameSchema>;
export type TypingEventFrame = Static<typeof TypingEventFrameSchema>;
export type PresenceFrame = Static<typeof PresenceFrameSchema>;
export type MembershipFrame = Static<typeof MembershipFrameSchema>;

import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { AccountIdSchema, ConversationIdSchema, EventIdSchema, MessageIdSchema } from './ids.js';
import { ContentSchema } from './content.js';

export const RoleSchema = Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('member')]);
export type Role = Static<typeof RoleSchema>;

export const ReactionSummarySchema = Type.Object(
  {
    emoji: Type.String(),
    count: Type.Integer({ minimum: 1 }),
    /** Up to 50 of the accounts that reacted, oldest first. */
    accountIds: Type.Array(AccountIdSchema),
  },
  { additionalProperties: false },
);
export type ReactionSummary = Static<typeof ReactionSummarySchema>;

export const ReplyRefSchema = Type.Object(
  { messageId: MessageIdSchema, seq: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);

export const ForwardRefSchema = Type.Object(
  {
    messageId: MessageIdSchema,
    /** The original author; absent when the original author's account was deleted. */
    senderId: Type.Optional(AccountIdSchema),
  },
  { additionalProperties: false },
);

/** Fields every conversation event has. */
const base = {
  id: EventIdSchema,
  conversationId: ConversationIdSchema,
  /** Gapless, per conversation, starting at 1. */
  seq: Type.Integer({ minimum: 1 }),
  /** Milliseconds since the Unix epoch, server time. */
  at: Type.Integer(),
  /** The acting account; null for events the server makes on its own. */
  sender: Type.Union([AccountIdSchema, Type.Null()]),
};

function event<T extends string, P extends Record<string, TSchema>>(type: T, props: P) {
  return Type.Object({ ...base, type: Type.Literal(type), ...props }, { additionalProperties: false });
}

/**
 * A message. In history and sync it is shown in its current state: `content` is the latest
 * edit, `editedAt` is set once edited, a message deleted for everyone keeps its place with
 * `deletedAt` and no content, and `reactions` summarises the reactions.
 */
export const MessageEventSchema = event('message', {
  clientMsgId: Type.String(),
  content: Type.Union([ContentSchema, Type.Null()]),
  replyTo: Type.Optional(ReplyRefSchema),
  forwarded: Type.Optional(ForwardRefSchema),
  editedAt: Type.Optional(Type.Integer()),
  deletedAt: Type.Optional(Type.Integer()),
  reactions: Type.Optional(Type.Array(ReactionSummarySchema)),
});
/** The author changed a message; `content` is the new content (null once the message is deleted). */
export const EditEventSchema = event('edit', {
  messageId: MessageIdSchema,
  content: Type.Union([ContentSchema, Type.Null()]),
});
export const DeleteEventSchema = event('delete', { messageId: MessageIdSchema });
export const ReactionEventSchema = event('reaction', {
  messageId: MessageIdSchema,
  emoji: Type.String(),
  action: Type.Union([Type.Literal('add'), Type.Literal('remove')]),
});
export const ConversationCreatedEventSchema = event('conversation_created', {
  kind: Type.Union([Type.Literal('direct'), Type.Literal('group'), Type.Literal('channel')]),
  title: Type.Optional(Type.String()),
});
const memberProps = { accountId: AccountIdSchema, role: RoleSchema };
export const MemberAddedEventSchema = event('member_added', memberProps);
export const MemberJoinedEventSchema = event('member_joined', memberProps);
export const MemberLeftEventSchema = event('member_left', { accountId: AccountIdSchema });
export const MemberRemovedEventSchema = event('member_removed', { accountId: AccountIdSchema });
export const RoleChangedEventSchema = event('role_changed', memberProps);
export const TitleChangedEventSchema = event('title_changed', { title: Type.String() });
export const DescriptionChangedEventSchema = event('description_changed', { description: Type.String() });

export const EventSchema = Type.Union(
  [
    MessageEventSchema,
    EditEventSchema,
    DeleteEventSchema,
    ReactionEventSchema,
    ConversationCreatedEventSchema,
    MemberAddedEventSchema,
    MemberJoinedEventSchema,
    MemberLeftEventSchema,
    MemberRemovedEventSchema,
    RoleChangedEventSchema,
    TitleChangedEventSchema,
    DescriptionChangedEventSchema,
  ],
  { description: 'A conversation event, discriminated by `type`' },
);

export type MessageEvent = Static<typeof MessageEventSchema>;
export type EditEvent = Static<typeof EditEventSchema>;
export type DeleteEvent = Static<typeof DeleteEventSchema>;
export type ReactionEvent = Static<typeof ReactionEventSchema>;
export type ConversationEvent = Static<typeof EventSchema>;
export type EventType = ConversationEvent['type'];
/** Event types that are not messages/edits/deletes/reactions. */
export const SYSTEM_EVENT_TYPES = [
  'conversation_created',
  'member_added',
  'member_joined',
  'member_left',
  'member_removed',
  'role_changed',
  'title_changed',
  'description_changed',
] as const;
export type SystemEventType = (typeof SYSTEM_EVENT_TYPES)[number];
export type SystemEvent = Extract<ConversationEvent, { type: SystemEventType }>;

import { Type, type Static } from '@sinclair/typebox';
import { AccountIdSchema, ConversationIdSchema, DeviceIdSchema } from './ids.js';
import { LIMITS } from './limits.js';
import { EventSchema, RoleSchema } from './events.js';
import { ContentSchema } from './content.js';

export const PresencePrivacySchema = Type.Union([Type.Literal('everyone'), Type.Literal('contacts'), Type.Literal('nobody')], {
  description: 'Who sees online status and last seen: everyone sharing a conversation, contacts (a direct chat), nobody',
});
export type PresencePrivacy = Static<typeof PresencePrivacySchema>;

/** The signed-in account as its owner sees it. */
export const AccountSchema = Type.Object(
  {
    id: AccountIdSchema,
    phone: Type.Union([Type.String(), Type.Null()], { description: 'E.164' }),
    email: Type.Union([Type.String(), Type.Null()]),
    displayName: Type.String(),
    about: Type.String(),
    avatar: Type.Union([Type.String(), Type.Null()]),
    presencePrivacy: PresencePrivacySchema,
    createdAt: Type.Integer(),
  },
  { additionalProperties: false },
);
export type Account = Static<typeof AccountSchema>;

/** What other people see of an account. */
export const ProfileSchema = Type.Object(
  {
    id: AccountIdSchema,
    displayName: Type.String(),
    about: Type.String(),
    avatar: Type.Union([Type.String(), Type.Null()]),
    deleted: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type Profile = Static<typeof ProfileSchema>;

export const ProfilePatchSchema = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.displayNameLength })),
    about: Type.Optional(Type.String({ maxLength: LIMITS.aboutLength })),
    avatar: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: LIMITS.avatarRefLength }), Type.Null()])),
    presencePrivacy: Type.Optional(PresencePrivacySchema),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ProfilePatch = Static<typeof ProfilePatchSchema>;

export const DeviceSchema = Type.Object(
  {
    id: DeviceIdSchema,
    name: Type.String(),
    platform: Type.String(),
    createdAt: Type.Integer(),
    lastActiveAt: Type.Integer(),
    current: Type.Boolean({ description: 'True for the device making the request' }),
  },
  { additionalProperties: false },
);
export type Device = Static<typeof DeviceSchema>;

/** The device a sign-in creates: its name and optional platform (POST /v1/auth/verify, adminCreateSession). */
export const DeviceInfoSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    platform: Type.Optional(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: false },
);
export type DeviceInfo = Static<typeof DeviceInfoSchema>;

export const ConversationKindSchema = Type.Union([Type.Literal('direct'), Type.Literal('group'), Type.Literal('channel')]);
export type ConversationKind = Static<typeof ConversationKindSchema>;

export const ConversationSchema = Type.Object(
  {
    id: ConversationIdSchema,
    kind: ConversationKindSchema,
    title: Type.Union([Type.String(), Type.Null()]),
    description: Type.Union([Type.String(), Type.Null()]),
    /** Direct conversations: both accounts. Empty for groups and channels (see /members). */
    participants: Type.Array(AccountIdSchema),
    createdAt: Type.Integer(),
    lastSeq: Type.Integer({ minimum: 0 }),
    lastEventAt: Type.Integer(),
    memberCount: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type Conversation = Static<typeof ConversationSchema>;

export const MembershipStatusSchema = Type.Union([Type.Literal('active'), Type.Literal('left'), Type.Literal('removed')]);

/** One account's membership of one conversation. */
export const MembershipSchema = Type.Object(
  {
    conversationId: ConversationIdSchema,
    accountId: AccountIdSchema,
    role: RoleSchema,
    status: MembershipStatusSchema,
    /** The member sees events with seq >= joinedSeq (channels: all events). */
    joinedSeq: Type.Integer({ minimum: 0 }),
    /** Highest seq this account has read (0: none). Only moves forward. */
    readSeq: Type.Integer({ minimum: 0 }),
    /** Highest seq a device of this account has received. Only moves forward; >= readSeq. */
    deliveredSeq: Type.Integer({ minimum: 0 }),
    muteUntil: Type.Union([Type.Integer(), Type.Null()], { description: 'ms epoch; null: not muted' }),
    archived: Type.Boolean(),
    pinned: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type Membership = Static<typeof MembershipSchema>;

export const MembershipPatchSchema = Type.Object(
  {
    muteUntil: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
    archived: Type.Optional(Type.Boolean()),
    pinned: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type MembershipPatch = Static<typeof MembershipPatchSchema>;

/** A member as listed by /members. */
export const MemberSchema = Type.Object(
  {
    accountId: AccountIdSchema,
    role: RoleSchema,
    joinedSeq: Type.Integer(),
    readSeq: Type.Integer(),
    deliveredSeq: Type.Integer(),
  },
  { additionalProperties: false },
);
export type Member = Static<typeof MemberSchema>;

/** Another member's receipt pointers. */
export const ReceiptStateSchema = Type.Object(
  {
    accountId: AccountIdSchema,
    readSeq: Type.Integer({ minimum: 0 }),
    deliveredSeq: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type ReceiptState = Static<typeof ReceiptStateSchema>;

export const ConversationListItemSchema = Type.Object(
  {
    conversation: ConversationSchema,
    membership: MembershipSchema,
    unreadCount: Type.Integer({ minimum: 0 }),
    lastEvent: Type.Union([EventSchema, Type.Null()]),
  },
  { additionalProperties: false },
);
export type ConversationListItem = Static<typeof ConversationListItemSchema>;

/** One conversation in a sync page. */
export const SyncEntrySchema = Type.Object(
  {
    conversation: ConversationSchema,
    membership: MembershipSchema,
    unreadCount: Type.Integer({ minimum: 0 }),
    /** Events since the cursor, in seq order (may repeat events already seen live: dedupe by seq). */
    events: Type.Array(EventSchema),
    /** Receipt pointers of other members that moved since the cursor (direct chats and your own messages' readers). */
    receipts: Type.Array(ReceiptStateSchema),
    /** True when more events of this conversation follow in the next page. */
    partial: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type SyncEntry = Static<typeof SyncEntrySchema>;

export const SyncPageSchema = Type.Object(
  {
    entries: Type.Array(SyncEntrySchema),
    /** Opaque. Pass it as `since` for the next page, and save it once the page is processed. */
    cursor: Type.String(),
    /** True: ask again at once with `cursor`. False: caught up. */
    hasMore: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type SyncPage = Static<typeof SyncPageSchema>;

export const PresenceSchema = Type.Object(
  {
    accountId: AccountIdSchema,
    online: Type.Boolean(),
    /** ms epoch of the last time the account was online; null when hidden or never. */
    lastSeenAt: Type.Union([Type.Integer(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type Presence = Static<typeof PresenceSchema>;

export const TokensSchema = Type.Object(
  {
    accessToken: Type.String(),
    accessTokenExpiresAt: Type.Integer(),
    refreshToken: Type.String(),
  },
  { additionalProperties: false },
);
export type Tokens = Static<typeof TokensSchema>;

export const SessionSchema = Type.Composite(
  [
    TokensSchema,
    Type.Object({
      accountId: AccountIdSchema,
      deviceId: DeviceIdSchema,
      newAccount: Type.Boolean(),
      account: AccountSchema,
    }),
  ],
  { additionalProperties: false },
);
export type Session = Static<typeof SessionSchema>;

export const ReceiptsSummarySchema = Type.Object(
  {
    messageId: Type.String(),
    seq: Type.Integer(),
    /** Members other than the author. */
    recipients: Type.Integer(),
    delivered: Type.Integer(),
    read: Type.Integer(),
    readBy: Type.Array(AccountIdSchema),
    deliveredTo: Type.Array(AccountIdSchema),
  },
  { additionalProperties: false },
);
export type ReceiptsSummary = Static<typeof ReceiptsSummarySchema>;

/** One version of a message: the original (seq of the message) and each edit (seq of the edit event). */
export const EditRecordSchema = Type.Object(
  { seq: Type.Integer(), at: Type.Integer(), content: ContentSchema },
  { additionalProperties: false },
);
export type EditRecord = Static<typeof EditRecordSchema>;

import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { AccountIdSchema, ConversationIdSchema, DeviceIdSchema, MediaIdSchema, MessageIdSchema, StickerPackIdSchema } from './ids.js';
import { AddStickerSchema, CreateStickerPackSchema, MediaSchema, StickerPackSchema, StorageSchema } from './media.js';
import { ApnsTargetSchema, FcmTargetSchema, NotificationSettingsPatchSchema, NotificationSettingsSchema, PushConfigSchema, PushKindSchema, PushTargetSchema, WebPushTargetSchema } from './push.js';
import { ContentSchema } from './content.js';
import { EventSchema } from './events.js';
import {
  AccountSchema,
  ConversationListItemSchema,
  DeviceInfoSchema,
  DeviceSchema,
  EditRecordSchema,
  MemberSchema,
  MembershipPatchSchema,
  PresenceSchema,
  ProfilePatchSchema,
  ProfileSchema,
  ReceiptsSummarySchema,
  SessionSchema,
  SyncPageSchema,
  TokensSchema,
} from './models.js';
import { EmojiSchema, EventResultSchema, SendBodySchema } from './frames.js';
import { LIMITS } from './limits.js';
import { AdminAccountPageSchema, AdminAccountSchema, AdminAccountsQuerySchema, AdminCreateAccountSchema, AdminCreateSessionSchema } from './admin.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** One REST route: the server validates with these schemas and the OpenAPI document is generated from them. */
export interface RouteSpec {
  method: HttpMethod;
  /** Path with `{name}` parameters. */
  path: string;
  summary: string;
  tag: string;
  /**
   * false: the sign-in routes (no credentials); true: `Authorization: Bearer <accessToken>` of a
   * device; 'admin': `Authorization: Bearer <admin token>` from the server's configuration (device
   * tokens are refused there, and the admin token is refused everywhere else).
   */
  auth: boolean | 'admin';
  params?: TSchema;
  query?: TSchema;
  body?: TSchema;
  /** Success status and body (null: no body, e.g. 204). */
  status: number;
  response: TSchema | null;
}

const Strict = { additionalProperties: false } as const;

export const IdentifierSchema = Type.Union(
  [
    Type.Object({ phone: Type.String({ minLength: 3, maxLength: 32, description: 'Phone number, ideally E.164 (+15551234567)' }) }, Strict),
    Type.Object({ email: Type.String({ minLength: 3, maxLength: 254 }) }, Strict),
  ],
  { description: 'Exactly one of phone or email' },
);
export type Identifier = Static<typeof IdentifierSchema>;

export const CodeRequestSchema = IdentifierSchema;
export const CodeSentSchema = Type.Object(
  {
    /** The normalised identifier the code was sent to (E.164 phone or lower-cased email). */
    identifier: Type.String(),
    channel: Type.Union([Type.Literal('sms'), Type.Literal('email')]),
    expiresAt: Type.Integer(),
    /**
     * Present (true) when this server has no email or SMS provider for the channel: the code was
     * written to the server's log and its data/dev-outbox.log (a development server).
     */
    devOutbox: Type.Optional(Type.Literal(true)),
  },
  Strict,
);
export const VerifySchema = Type.Union(
  [
    Type.Object({ phone: Type.String({ minLength: 3, maxLength: 32 }), code: Type.String({ pattern: '^[0-9]{6}$' }), device: DeviceInfoSchema }, Strict),
    Type.Object({ email: Type.String({ minLength: 3, maxLength: 254 }), code: Type.String({ pattern: '^[0-9]{6}$' }), device: DeviceInfoSchema }, Strict),
  ],
  { description: 'The identifier, the 6-digit code and a name for this device' },
);
export const RefreshSchema = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 512 }) }, Strict);

export const LookupSchema = Type.Object(
  {
    phones: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: LIMITS.lookupBatch })),
    emails: Type.Optional(Type.Array(Type.String({ maxLength: 254 }), { maxItems: LIMITS.lookupBatch })),
  },
  { ...Strict, minProperties: 1 },
);
export const LookupResultSchema = Type.Object(
  {
    matches: Type.Array(
      Type.Object({ query: Type.String(), profile: ProfileSchema }, Strict),
      { description: 'Only exact matches of registered accounts, in the order asked' },
    ),
  },
  Strict,
);

export const CreateConversationSchema = Type.Union(
  [
    Type.Object({ kind: Type.Literal('direct'), peer: AccountIdSchema }, Strict),
    Type.Object(
      {
        kind: Type.Union([Type.Literal('group'), Type.Literal('channel')]),
        title: Type.String({ minLength: 1, maxLength: LIMITS.titleLength }),
        description: Type.Optional(Type.String({ maxLength: LIMITS.descriptionLength })),
        members: Type.Optional(Type.Array(AccountIdSchema, { maxItems: LIMITS.membersPerRequest })),
      },
      Strict,
    ),
  ],
  { description: 'A direct chat with one account (returned if it exists), or a group/channel you own' },
);
export const ConversationPatchSchema = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.titleLength })),
    description: Type.Optional(Type.String({ maxLength: LIMITS.descriptionLength })),
  },
  { ...Strict, minProperties: 1 },
);
export const AddMembersSchema = Type.Object(
  { accountIds: Type.Array(AccountIdSchema, { minItems: 1, maxItems: LIMITS.membersPerRequest }) },
  Strict,
);
export const SetRoleSchema = Type.Object({ role: Type.Union([Type.Literal('admin'), Type.Literal('member')]) }, Strict);
export const PointerSchema = Type.Object({ seq: Type.Integer({ minimum: 1 }) }, Strict);
export const EditBodySchema = Type.Object({ content: ContentSchema }, Strict);

const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.pageSize }));
const Cursor = Type.Optional(Type.String({ maxLength: 512 }));
const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), next: Type.Union([Type.String(), Type.Null()], { description: 'Opaque cursor; null at the end' }) }, Strict);

const P = {
  conversation: Type.Object({ conversationId: ConversationIdSchema }, Strict),
  member: Type.Object({ conversationId: ConversationIdSchema, accountId: AccountIdSchema }, Strict),
  message: Type.Object({ messageId: MessageIdSchema }, Strict),
  reaction: Type.Object({ messageId: MessageIdSchema, emoji: EmojiSchema }, Strict),
  device: Type.Object({ deviceId: DeviceIdSchema }, Strict),
  account: Type.Object({ accountId: AccountIdSchema }, Strict),
  media: Type.Object({ mediaId: MediaIdSchema }, Strict),
  pack: Type.Object({ packId: StickerPackIdSchema }, Strict),
  sticker: Type.Object({ packId: StickerPackIdSchema, mediaId: MediaIdSchema }, Strict),
};

export const MembersResultSchema = Page(MemberSchema);
export const ConversationPageSchema = Page(ConversationListItemSchema);
export const EventsPageSchema = Type.Object(
  {
    events: Type.Array(EventSchema, { description: 'Ascending seq' }),
    /** Pass as `before` to page further back; null when the start was reached. */
    before: Type.Union([Type.Integer(), Type.Null()]),
    /** Pass as `after` to page forward; null when the end was reached. */
    after: Type.Union([Type.Integer(), Type.Null()]),
  },
  Strict,
);
export const SearchHitSchema = Type.Object({ event: EventSchema, snippet: Type.String() }, Strict);

/** Every REST route of ottr, by operation id. */
export const ROUTES = {
  requestCode: { method: 'POST', path: '/v1/auth/code', tag: 'auth', auth: false, summary: 'Send a one-time sign-in code to a phone number or email address', body: CodeRequestSchema, status: 202, response: CodeSentSchema },
  verifyCode: { method: 'POST', path: '/v1/auth/verify', tag: 'auth', auth: false, summary: 'Sign in (or sign up) with the code; creates a device and its session', body: VerifySchema, status: 200, response: SessionSchema },
  refresh: { method: 'POST', path: '/v1/auth/refresh', tag: 'auth', auth: false, summary: 'Exchange a refresh token for new tokens (the old refresh token stops working)', body: RefreshSchema, status: 200, response: TokensSchema },
  logout: { method: 'POST', path: '/v1/auth/logout', tag: 'auth', auth: true, summary: 'Sign this device out', status: 204, response: null },

  getMe: { method: 'GET', path: '/v1/me', tag: 'account', auth: true, summary: 'Your account', status: 200, response: AccountSchema },
  updateMe: { method: 'PATCH', path: '/v1/me', tag: 'account', auth: true, summary: 'Change your profile or presence privacy', body: ProfilePatchSchema, status: 200, response: AccountSchema },
  deleteMe: { method: 'DELETE', path: '/v1/me', tag: 'account', auth: true, summary: 'Delete your account: signs out every device, leaves every conversation, erases profile and identifiers', status: 204, response: null },
  listDevices: { method: 'GET', path: '/v1/me/devices', tag: 'account', auth: true, summary: 'Your signed-in devices', status: 200, response: Type.Object({ items: Type.Array(DeviceSchema) }, Strict) },
  revokeDevice: { method: 'DELETE', path: '/v1/me/devices/{deviceId}', tag: 'account', auth: true, summary: 'Sign a device out (its connection is closed)', params: P.device, status: 204, response: null },
  getProfile: { method: 'GET', path: '/v1/accounts/{accountId}', tag: 'account', auth: true, summary: "Someone's public profile", params: P.account, status: 200, response: ProfileSchema },
  lookup: { method: 'POST', path: '/v1/lookup', tag: 'account', auth: true, summary: 'Find accounts by exact phone numbers or email addresses', body: LookupSchema, status: 200, response: LookupResultSchema },
  listBlocks: { method: 'GET', path: '/v1/blocks', tag: 'account', auth: true, summary: 'Accounts you blocked', status: 200, response: Type.Object({ items: Type.Array(AccountIdSchema) }, Strict) },
  block: { method: 'PUT', path: '/v1/blocks/{accountId}', tag: 'account', auth: true, summary: 'Block an account: it can no longer message you in a direct chat', params: P.account, status: 204, response: null },
  unblock: { method: 'DELETE', path: '/v1/blocks/{accountId}', tag: 'account', auth: true, summary: 'Unblock an account', params: P.account, status: 204, response: null },
  getPresence: { method: 'GET', path: '/v1/presence', tag: 'account', auth: true, summary: 'Online status and last seen of accounts you share a conversation with (as their privacy allows)', query: Type.Object({ accountIds: Type.String({ description: 'Comma-separated account ids, at most 100' }) }, Strict), status: 200, response: Type.Object({ items: Type.Array(PresenceSchema) }, Strict) },

  createConversation: { method: 'POST', path: '/v1/conversations', tag: 'conversations', auth: true, summary: 'Start a direct chat, or create a group or channel', body: CreateConversationSchema, status: 200, response: ConversationListItemSchema },
  listConversations: { method: 'GET', path: '/v1/conversations', tag: 'conversations', auth: true, summary: 'Your conversations: pinned first, then by latest activity, with unread counts and last event', query: Type.Object({ cursor: Cursor, limit: Limit, archived: Type.Optional(Type.Boolean({ description: 'true: only archived; default: only not archived' })) }, Strict), status: 200, response: ConversationPageSchema },
  getConversation: { method: 'GET', path: '/v1/conversations/{conversationId}', tag: 'conversations', auth: true, summary: 'One conversation with your membership', params: P.conversation, status: 200, response: ConversationListItemSchema },
  updateConversation: { method: 'PATCH', path: '/v1/conversations/{conversationId}', tag: 'conversations', auth: true, summary: 'Change title or description (admins)', params: P.conversation, body: ConversationPatchSchema, status: 200, response: ConversationListItemSchema },
  updateMembership: { method: 'PATCH', path: '/v1/conversations/{conversationId}/membership', tag: 'conversations', auth: true, summary: 'Mute, archive or pin for yourself', params: P.conversation, body: MembershipPatchSchema, status: 200, response: ConversationListItemSchema },
  joinChannel: { method: 'POST', path: '/v1/conversations/{conversationId}/join', tag: 'conversations', auth: true, summary: 'Subscribe to a channel', params: P.conversation, status: 200, response: ConversationListItemSchema },
  leaveConversation: { method: 'POST', path: '/v1/conversations/{conversationId}/leave', tag: 'conversations', auth: true, summary: 'Leave a group or channel', params: P.conversation, status: 204, response: null },
  listMembers: { method: 'GET', path: '/v1/conversations/{conversationId}/members', tag: 'conversations', auth: true, summary: 'Members (channels: admins only)', params: P.conversation, query: Type.Object({ cursor: Cursor, limit: Limit }, Strict), status: 200, response: MembersResultSchema },
  addMembers: { method: 'POST', path: '/v1/conversations/{conversationId}/members', tag: 'conversations', auth: true, summary: 'Add members (admins)', params: P.conversation, body: AddMembersSchema, status: 200, response: Type.Object({ events: Type.Array(EventSchema) }, Strict) },
  removeMember: { method: 'DELETE', path: '/v1/conversations/{conversationId}/members/{accountId}', tag: 'conversations', auth: true, summary: 'Remove a member (admins; owners can remove admins)', params: P.member, status: 200, response: EventResultSchema },
  setRole: { method: 'PATCH', path: '/v1/conversations/{conversationId}/members/{accountId}', tag: 'conversations', auth: true, summary: 'Promote to admin or demote to member (owner; admins may promote members)', params: P.member, body: SetRoleSchema, status: 200, response: EventResultSchema },

  sendMessage: { method: 'POST', path: '/v1/conversations/{conversationId}/messages', tag: 'messages', auth: true, summary: 'Send a message (idempotent per device and clientMsgId)', params: P.conversation, body: SendBodySchema, status: 200, response: EventResultSchema },
  listEvents: { method: 'GET', path: '/v1/conversations/{conversationId}/events', tag: 'messages', auth: true, summary: 'History: events before a seq (default: the latest), or after a seq', params: P.conversation, query: Type.Object({ before: Type.Optional(Type.Integer({ minimum: 1 })), after: Type.Optional(Type.Integer({ minimum: 0 })), limit: Limit }, Strict), status: 200, response: EventsPageSchema },
  markRead: { method: 'POST', path: '/v1/conversations/{conversationId}/read', tag: 'messages', auth: true, summary: 'Move your read pointer forward', params: P.conversation, body: PointerSchema, status: 204, response: null },
  markDelivered: { method: 'POST', path: '/v1/conversations/{conversationId}/delivered', tag: 'messages', auth: true, summary: 'Move your delivered pointer forward', params: P.conversation, body: PointerSchema, status: 204, response: null },
  editMessage: { method: 'PATCH', path: '/v1/messages/{messageId}', tag: 'messages', auth: true, summary: 'Edit your message (history kept)', params: P.message, body: EditBodySchema, status: 200, response: EventResultSchema },
  deleteMessage: { method: 'DELETE', path: '/v1/messages/{messageId}', tag: 'messages', auth: true, summary: 'Delete your message for everyone (admins may delete any in groups and channels)', params: P.message, status: 200, response: EventResultSchema },
  listEdits: { method: 'GET', path: '/v1/messages/{messageId}/edits', tag: 'messages', auth: true, summary: 'Every version of a message, oldest first', params: P.message, status: 200, response: Type.Object({ items: Type.Array(EditRecordSchema) }, Strict) },
  addReaction: { method: 'PUT', path: '/v1/messages/{messageId}/reactions/{emoji}', tag: 'messages', auth: true, summary: 'React (one per emoji per account; repeating is a no-op)', params: P.reaction, status: 200, response: EventResultSchema },
  removeReaction: { method: 'DELETE', path: '/v1/messages/{messageId}/reactions/{emoji}', tag: 'messages', auth: true, summary: 'Take a reaction back', params: P.reaction, status: 200, response: EventResultSchema },
  getReceipts: { method: 'GET', path: '/v1/messages/{messageId}/receipts', tag: 'messages', auth: true, summary: 'Who received and read a message (groups: counts and names)', params: P.message, status: 200, response: ReceiptsSummarySchema },
  sync: { method: 'GET', path: '/v1/sync', tag: 'sync', auth: true, summary: 'Everything that changed since a cursor, in pages (same as the `sync` frame)', query: Type.Object({ since: Cursor, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.syncPageEvents })) }, Strict), status: 200, response: SyncPageSchema },
  adminListAccounts: { method: 'GET', path: '/v1/admin/accounts', tag: 'admin', auth: 'admin', summary: 'Every account, newest first; `q` finds one by exact id, phone number or email address', query: AdminAccountsQuerySchema, status: 200, response: AdminAccountPageSchema },
  adminCreateAccount: { method: 'POST', path: '/v1/admin/accounts', tag: 'admin', auth: 'admin', summary: 'Create an account for a phone number or email address without a code (conflict if taken)', body: AdminCreateAccountSchema, status: 200, response: AdminAccountSchema },
  adminSuspendAccount: { method: 'POST', path: '/v1/admin/accounts/{accountId}/suspend', tag: 'admin', auth: 'admin', summary: 'Suspend an account: its sockets are closed (4204) and its tokens and sign-in answer account_suspended', params: P.account, status: 200, response: AdminAccountSchema },
  adminUnsuspendAccount: { method: 'POST', path: '/v1/admin/accounts/{accountId}/unsuspend', tag: 'admin', auth: 'admin', summary: 'Lift a suspension: existing devices work again', params: P.account, status: 200, response: AdminAccountSchema },
  adminCreateSession: { method: 'POST', path: '/v1/admin/accounts/{accountId}/sessions', tag: 'admin', auth: 'admin', summary: 'Sign a new device in to an account without a code (bots, automation, load tests); the same session as /v1/auth/verify', params: P.account, body: AdminCreateSessionSchema, status: 200, response: SessionSchema },
  adminDeleteAccount: { method: 'DELETE', path: '/v1/admin/accounts/{accountId}', tag: 'admin', auth: 'admin', summary: 'Delete an account exactly as its owner would (DELETE /v1/me)', params: P.account, status: 204, response: null },
  search: { method: 'GET', path: '/v1/search', tag: 'messages', auth: true, summary: 'Full-text search of messages in your conversations, newest first', query: Type.Object({ q: Type.String({ minLength: 1, maxLength: 256 }), conversationId: Type.Optional(ConversationIdSchema), cursor: Cursor, limit: Limit }, Strict), status: 200, response: Page(SearchHitSchema) },
  getMedia: { method: 'GET', path: '/v1/media/{mediaId}', tag: 'media', auth: true, summary: 'A media object you uploaded or that was sent in one of your conversations, with signed URLs of its files', params: P.media, status: 200, response: MediaSchema },
  getStorage: { method: 'GET', path: '/v1/me/storage', tag: 'media', auth: true, summary: 'Your storage use and quota, and the size limits of uploads', status: 200, response: StorageSchema },
  listStickerPacks: { method: 'GET', path: '/v1/sticker-packs', tag: 'media', auth: true, summary: 'Sticker packs you created or added', status: 200, response: Type.Object({ items: Type.Array(StickerPackSchema) }, Strict) },
  createStickerPack: { method: 'POST', path: '/v1/sticker-packs', tag: 'media', auth: true, summary: 'Create a sticker pack (anyone can see and send stickers of any pack)', body: CreateStickerPackSchema, status: 200, response: StickerPackSchema },
  getStickerPack: { method: 'GET', path: '/v1/sticker-packs/{packId}', tag: 'media', auth: true, summary: 'A sticker pack with its stickers', params: P.pack, status: 200, response: StickerPackSchema },
  addSticker: { method: 'POST', path: '/v1/sticker-packs/{packId}/stickers', tag: 'media', auth: true, summary: 'Add a sticker you uploaded (kind sticker) to your pack', params: P.pack, body: AddStickerSchema, status: 200, response: StickerPackSchema },
  removeSticker: { method: 'DELETE', path: '/v1/sticker-packs/{packId}/stickers/{mediaId}', tag: 'media', auth: true, summary: 'Take a sticker out of your pack', params: P.sticker, status: 204, response: null },
  installStickerPack: { method: 'PUT', path: '/v1/me/sticker-packs/{packId}', tag: 'media', auth: true, summary: "Add someone's sticker pack to your list", params: P.pack, status: 200, response: StickerPackSchema },
  uninstallStickerPack: { method: 'DELETE', path: '/v1/me/sticker-packs/{packId}', tag: 'media', auth: true, summary: 'Remove a sticker pack from your list', params: P.pack, status: 204, response: null },

  getPushConfig: { method: 'GET', path: '/v1/push/config', tag: 'push', auth: true, summary: 'The push services this server sends through (and the VAPID key browsers subscribe with)', status: 200, response: PushConfigSchema },
  listPushTargets: { method: 'GET', path: '/v1/me/push', tag: 'push', auth: true, summary: "This device's push targets", status: 200, response: Type.Object({ items: Type.Array(PushTargetSchema) }, Strict) },
  putWebPushTarget: { method: 'PUT', path: '/v1/me/push/webpush', tag: 'push', auth: true, summary: "Set this device's Web Push subscription (replaces the previous one)", body: WebPushTargetSchema, status: 200, response: PushTargetSchema },
  putFcmTarget: { method: 'PUT', path: '/v1/me/push/fcm', tag: 'push', auth: true, summary: "Set this device's FCM registration token", body: FcmTargetSchema, status: 200, response: PushTargetSchema },
  putApnsTarget: { method: 'PUT', path: '/v1/me/push/apns', tag: 'push', auth: true, summary: "Set this device's APNs device token", body: ApnsTargetSchema, status: 200, response: PushTargetSchema },
  deletePushTarget: { method: 'DELETE', path: '/v1/me/push/{kind}', tag: 'push', auth: true, summary: 'Stop pushes of this kind to this device', params: Type.Object({ kind: PushKindSchema }, Strict), status: 204, response: null },
  getNotificationSettings: { method: 'GET', path: '/v1/me/notifications', tag: 'push', auth: true, summary: 'Your notification settings (privacy, mentions in muted groups, do-not-disturb hours)', status: 200, response: NotificationSettingsSchema },
  updateNotificationSettings: { method: 'PATCH', path: '/v1/me/notifications', tag: 'push', auth: true, summary: 'Change your notification settings', body: NotificationSettingsPatchSchema, status: 200, response: NotificationSettingsSchema },
} as const satisfies Record<string, RouteSpec>;

export type RouteId = keyof typeof ROUTES;
type Maybe<S> = S extends TSchema ? Static<S> : undefined;
/** The validated input of a route, by operation id. */
export interface RouteInput<K extends RouteId> {
  params: Maybe<(typeof ROUTES)[K] extends { params: infer S } ? S : undefined>;
  query: Maybe<(typeof ROUTES)[K] extends { query: infer S } ? S : undefined>;
  body: Maybe<(typeof ROUTES)[K] extends { body: infer S } ? S : undefined>;
}
/** The success body of a route, by operation id. */
type Out<S> = S extends TSchema ? Static<S> : void;
export type RouteOutput<K extends RouteId> = Out<(typeof ROUTES)[K]['response']>;


/**
 * @ottr/sdk — the platform-neutral core of the ottr client. Create a client with
 * `createClient({ baseUrl, platform, store, session })`; `@ottr/sdk/node` and `@ottr/sdk/browser`
 * provide the platform and a persistent store (and a `createClient` that fills them in).
 */
export { createClient, OttrClient, type ClientExtensions, type ClientOptions, type SessionInput } from './client.js';
export type { ConnectionOptions, ConnectionState, StateChange } from './connection.js';
export { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export { OttrError, isOttrError, endsSession, CLIENT_ERRORS, type ClientErrorCode, type OttrErrorCode } from './errors.js';
export type {
  ChangeNotice,
  ClientEvents,
  ConversationsNotice,
  EventSource,
  MembershipNotice,
  MessageNotice,
  ReceiptNotice,
  StatusNotice,
  TypingNotice,
} from './events.js';
export type { Listener } from './emitter.js';
export { compareItems, type ConversationRecord, type LocalMessage, type MessageStatus } from './model.js';
export type { AbortSignalLike, ByteStreamLike, FetchLike, FetchResponseLike, Platform, TimerHandle, WebSocketFactory, WebSocketLike } from './platform.js';
export type { AdminRouteId, OptionalInputRouteId, RequestInput, RequestInputs, RequestOptions, RequestOutputs } from './rest.js';
export type { SavedSession, SessionEvent } from './session.js';
export { KEYS, MemoryStore, clearClientData, type SdkStore } from './store.js';
export type { SyncState } from './sync.js';
export type { OutboxItem } from './outbox.js';
export type { AuthApi, BlocksApi, CodeSent, DevicesApi, ProfileApi } from './api/account.js';
export type { AdminApi, AdminCallOptions } from './api/admin.js';
export { MUTE_FOREVER, type ConversationsApi, type NewGroup } from './api/conversations.js';
export type { HistoryPage, MessagesApi, SearchHit, SendOptions } from './api/messages.js';
export type { DownloadOptions, MediaApi, UploadOptions } from './api/media.js';
export type { StickersApi } from './api/stickers.js';
export type { PushApi } from './api/push.js';
export { formatBytes, formatDuration, mapLink } from './format.js';
export type { BlobLike, OpenedSource, UploadSource } from './upload-source.js';
export type { PresenceApi } from './api/presence.js';
export type { TypingApi } from './api/typing.js';

// The protocol's types and constants an app works with, so that it needs no second import.
export {
  CLOSE,
  ERRORS,
  LIMITS,
  MEDIA_KINDS,
  MEDIA_VARIANTS,
  PROTOCOL_VERSION,
  closeAdvice,
  type Account,
  type AccountId,
  type Content,
  type ContentKind,
  type Conversation,
  type ConversationEvent,
  type ConversationId,
  type ConversationKind,
  type ConversationListItem,
  type DeleteEvent,
  type Device,
  type DeviceId,
  type EditEvent,
  type EditRecord,
  type ErrorCode,
  type EventId,
  type Identifier,
  type Member,
  type ApnsTarget,
  type Dnd,
  type FcmTarget,
  type NotificationSettings,
  type NotificationSettingsPatch,
  type PushConfig,
  type PushKind,
  type PushPayload,
  type PushPrivacy,
  type PushTargetView,
  type WebPushTarget,
  type Membership,
  type MembershipPatch,
  type MessageEvent,
  type Media,
  type MediaId,
  type MediaKind,
  type MediaVariantName,
  type MessageId,
  type Presence,
  type PresencePrivacy,
  type Profile,
  type ProfilePatch,
  type ReactionEvent,
  type ReactionSummary,
  type ReceiptsSummary,
  type ReceiptState,
  type Role,
  type RouteId,
  type Session,
  type StickerPack,
  type StickerPackId,
  type Storage,
  type SyncEntry,
  type SyncPage,
  type SystemEvent,
  type TextContent,
} from '@ottr/protocol';

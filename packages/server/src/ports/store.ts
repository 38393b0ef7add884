import type {
  AccountId,
  Content,
  ConversationEvent,
  ConversationId,
  ConversationKind,
  DeviceId,
  EditRecord,
  EventId,
  MediaId,
  MediaKind,
  MessageId,
  PresencePrivacy,
  StickerPackId,
  NotificationSettings,
  NotificationSettingsPatch,
  PushKind,
  Role,
} from '@ottr/protocol';
import type { JobQueue, NewJob } from './jobs.js';
import type { PushTargetRecord } from './push.js';

/**
 * The storage port, grouped by aggregate. Every adapter (SQLite, PostgreSQL, …) passes the one
 * conformance suite in ../testing. Methods throw AppError with a protocol code for the domain
 * failures named in their docs; every other failure is a bug or an outage.
 *
 * Two counters matter:
 * - `seq`: per conversation, gapless, starting at 1, assigned in commit order.
 * - `version`: one store-wide counter, increasing in commit order (a reader that sees version v
 *   has seen every commit with a lower version). Each commit that changes what an account must
 *   sync stamps that account's membership row with the commit's version; sync pages by it.
 */
export interface Store {
  readonly accounts: AccountStore;
  readonly auth: AuthStore;
  readonly conversations: ConversationStore;
  readonly events: EventStore;
  readonly sync: SyncStore;
  /** Uploaded media (their metadata; the bytes are in the MediaStore port) and sticker packs. */
  readonly media: MediaRecordStore;
  /** Push targets of devices, notification settings, and what each member was last notified of. */
  readonly push: PushStore;
  /** Durable background jobs, in the same database. */
  readonly jobs: JobQueue;
  /**
   * Every durable table, in dependency order, in batches, in the store-neutral shape of
   * storage-kit's DUMP_TABLES (the last batch: the `store` counters). For moving an
   * installation to another store; run it on a stopped installation.
   */
  exportAll(): AsyncIterable<ExportBatch>;
  /**
   * Loads an export into this store, which must be empty (else it throws, changing nothing),
   * in one transaction: the rows, then the counters (version; conversations keep their
   * last_seq) and the search index rebuilt from message content. Returns rows per table.
   */
  importAll(source: AsyncIterable<ExportBatch>): Promise<Record<string, number>>;
  /** Flushes pending writes and releases the database. */
  close(): Promise<void>;
}

/** One batch of one table of an export (Store.exportAll). */
export interface ExportBatch {
  table: string;
  rows: Record<string, unknown>[];
}

// ---- accounts ---------------------------------------------------------------------------

export interface AccountRecord {
  id: AccountId;
  phone: string | null;
  email: string | null;
  displayName: string;
  about: string;
  avatar: string | null;
  presencePrivacy: PresencePrivacy;
  createdAt: number;
  lastSeenAt: number | null;
  /** Set while an operator has the account suspended: its tokens and sign-in are refused. */
  suspendedAt: number | null;
  /** Set when the account was deleted; its identifiers and profile are erased then. */
  deletedAt: number | null;
}

/** An account as the admin list shows it: the record and how many live devices it has. */
export interface AccountListItem extends AccountRecord {
  /** Devices not revoked. */
  devices: number;
}

/** Narrows an account list to one exact id, or to the live account with a normalised identifier. */
export type AccountQuery = { kind: 'id'; value: AccountId } | { kind: 'phone' | 'email'; value: string };

export type AccountPatch = Partial<Pick<AccountRecord, 'displayName' | 'about' | 'avatar' | 'presencePrivacy'>>;

export interface AccountStore {
  /** Throws `conflict` when the phone or email already belongs to a live account. */
  create(account: Omit<AccountRecord, 'lastSeenAt' | 'suspendedAt' | 'deletedAt'>): Promise<AccountRecord>;
  get(id: AccountId): Promise<AccountRecord | null>;
  getMany(ids: readonly AccountId[]): Promise<AccountRecord[]>;
  /** Exact match on a normalised identifier (E.164 phone or lower-case email) of a live account. */
  findByIdentifier(kind: 'phone' | 'email', value: string): Promise<AccountRecord | null>;
  /** Throws `not_found` for unknown or deleted accounts. */
  update(id: AccountId, patch: AccountPatch): Promise<AccountRecord>;
  setLastSeen(id: AccountId, at: number): Promise<void>;
  /** Sets `suspendedAt` (null lifts the suspension). Throws `not_found` for unknown or deleted accounts. */
  setSuspended(id: AccountId, at: number | null): Promise<AccountRecord>;
  /**
   * Every account, deleted ones included, newest first (createdAt, then id, descending), with
   * `q` narrowing to at most one. `limit` ≥ 1; a malformed cursor is `invalid_cursor`.
   */
  list(options: { cursor?: string; limit: number; q?: AccountQuery }): Promise<ListPage<AccountListItem>>;
  /**
   * Erases identifiers and profile, marks the account deleted, revokes all its devices and
   * drops its blocks, push targets, notification settings and push state. (Leaving
   * conversations is done by the service through ConversationStore.)
   */
  markDeleted(id: AccountId, at: number): Promise<void>;
  /** `blocker` blocks `blocked`; idempotent. */
  block(blocker: AccountId, blocked: AccountId, at: number): Promise<void>;
  unblock(blocker: AccountId, blocked: AccountId): Promise<void>;
  listBlocked(blocker: AccountId): Promise<AccountId[]>;
  /** True when either account blocked the other. */
  isBlockedEitherWay(a: AccountId, b: AccountId): Promise<boolean>;
  /**
   * What stands between `from` writing to `peer` in their direct chat, in one read: the peer's
   * account is gone (unknown or deleted), and whether either blocked the other.
   */
  directBarriers(from: AccountId, peer: AccountId): Promise<{ peerGone: boolean; blocked: boolean }>;
}

// ---- auth: one-time codes, devices, tokens ----------------------------------------------------

export interface CodeRecord {
  /** Normalised identifier, e.g. `phone:+15551234567` or `email:a@b.c`. */
  identifier: string;
  codeHash: string;
  expiresAt: number;
  attempts: number;
  createdAt: number;
}

export interface DeviceRecord {
  id: DeviceId;
  accountId: AccountId;
  name: string;
  platform: string;
  createdAt: number;
  lastActiveAt: number;
  revokedAt: number | null;
}

export interface TokenRecord {
  /** SHA-256 of the token (hex); the token itself is never stored. */
  hash: string;
  deviceId: DeviceId;
  kind: 'access' | 'refresh';
  expiresAt: number;
}

export type RefreshOutcome =
  | { outcome: 'rotated'; device: DeviceRecord }
  /** The token was already rotated once: the device is now revoked. */
  | { outcome: 'reused'; device: DeviceRecord }
  /** The token's device was signed out earlier. */
  | { outcome: 'revoked'; device: DeviceRecord }
  | { outcome: 'invalid' };

export interface AuthStore {
  /** Replaces any code pending for the identifier. */
  putCode(code: CodeRecord): Promise<void>;
  getCode(identifier: string): Promise<CodeRecord | null>;
  /** Adds one failed attempt and returns the new count (0 when no code is pending). */
  failCodeAttempt(identifier: string): Promise<number>;
  /** Deletes the pending code; true only for the call that deleted it (so a code is used once). */
  deleteCode(identifier: string): Promise<boolean>;
  /** Creates a device with its first access and refresh tokens, atomically. */
  createDevice(device: Omit<DeviceRecord, 'revokedAt'>, tokens: readonly TokenRecord[]): Promise<DeviceRecord>;
  /**
   * The token with this hash (not rotated away) and its device. The device may be revoked
   * (`revokedAt` set): callers answer `session_revoked` then. Expiry is the caller's check.
   */
  findToken(hash: string): Promise<{ token: TokenRecord; device: DeviceRecord } | null>;
  /**
   * Atomically exchanges refresh token `oldHash` for `tokens`: the old refresh token and the
   * device's older access tokens stop working. Presenting an already-rotated refresh token
   * revokes the device (token theft: both holders lose it).
   */
  rotateRefresh(oldHash: string, tokens: readonly TokenRecord[], now: number): Promise<RefreshOutcome>;
  listDevices(accountId: AccountId): Promise<DeviceRecord[]>;
  /**
   * Revokes the device: its tokens stop working but are kept until they expire, so that they
   * are recognised as signed out; its push targets are deleted. Returns false when it is not a
   * live device of that account.
   */
  revokeDevice(accountId: AccountId, deviceId: DeviceId, at: number): Promise<boolean>;
  touchDevice(deviceId: DeviceId, at: number): Promise<void>;
  /** Deletes expired codes and tokens; returns how many rows went. */
  purgeExpired(now: number): Promise<number>;
}

// ---- conversations and memberships ---------------------------------------------------------

export interface ConversationRecord {
  id: ConversationId;
  kind: ConversationKind;
  title: string | null;
  description: string | null;
  /** Direct conversations: both accounts, sorted. Otherwise empty. */
  participants: AccountId[];
  createdAt: number;
  lastSeq: number;
  lastEventAt: number;
  /** Active members. */
  memberCount: number;
}

export type MembershipStatus = 'active' | 'left' | 'removed';

export interface MembershipRecord {
  conversationId: ConversationId;
  accountId: AccountId;
  role: Role;
  status: MembershipStatus;
  /** First seq the member may see: the seq of its join event (channels: 1, all history). */
  joinedSeq: number;
  readSeq: number;
  deliveredSeq: number;
  muteUntil: number | null;
  archived: boolean;
  pinned: boolean;
}

export interface MembershipView {
  conversation: ConversationRecord;
  membership: MembershipRecord;
  /** Messages by others, not deleted, with seq > readSeq (and >= joinedSeq). */
  unreadCount: number;
  lastEvent: ConversationEvent | null;
}

/** Who did it and when, for operations that append a system event. */
export interface Actor {
  accountId: AccountId;
  at: number;
}

export interface ListPage<T> {
  items: T[];
  /** Opaque to callers; pass back as `cursor`. Null at the end. */
  next: string | null;
}

export interface ConversationStore {
  /**
   * The direct conversation of two accounts, created (with a `conversation_created` event
   * and both as members) when it does not exist yet. Exactly one per pair, also under races.
   */
  getOrCreateDirect(a: AccountId, b: AccountId, id: ConversationId, eventId: EventId, at: number): Promise<{ conversation: ConversationRecord; created: boolean }>;
  /**
   * A group or channel owned by `owner`, with `conversation_created` and a `member_added`
   * event per initial member. Throws `group_full` past `cap` members.
   */
  createGroup(input: {
    id: ConversationId;
    kind: 'group' | 'channel';
    title: string;
    description: string | null;
    owner: Actor;
    members: readonly AccountId[];
    cap: number | null;
    newEventId: () => EventId;
  }): Promise<{ conversation: ConversationRecord; events: ConversationEvent[] }>;
  get(id: ConversationId): Promise<ConversationRecord | null>;
  getMembership(id: ConversationId, accountId: AccountId): Promise<MembershipRecord | null>;
  /**
   * `get` and `getMembership` in one read (the membership check of every request): null when
   * the conversation does not exist; `membership` null when the account was never a member.
   */
  access(id: ConversationId, accountId: AccountId): Promise<{ conversation: ConversationRecord; membership: MembershipRecord | null } | null>;
  /** One conversation as a member sees it (any status). Null when never a member. */
  view(id: ConversationId, accountId: AccountId): Promise<MembershipView | null>;
  /** The account's active memberships: pinned first, then latest activity first. */
  listForAccount(accountId: AccountId, opts: { archived: boolean; cursor?: string; limit: number }): Promise<ListPage<MembershipView>>;
  /** Active members, oldest first. Throws `invalid_cursor`. */
  listMembers(id: ConversationId, opts: { cursor?: string; limit: number }): Promise<ListPage<MembershipRecord>>;
  /** Ids of all active members (for fan-out). */
  activeMemberIds(id: ConversationId): Promise<AccountId[]>;
  /**
   * How two accounts are related, for presence privacy: `direct` when both are active members
   * of their direct conversation, `group` when both are active members of some group (channels
   * do not count: subscribers do not see each other).
   */
  relation(a: AccountId, b: AccountId): Promise<{ direct: boolean; group: boolean }>;
  /**
   * Adds accounts (re-activating former members) with a `member_added` (or, when
   * `by` is the account itself, `member_joined`) event each. Accounts already active are
   * skipped. Throws `group_full` past `cap` active members.
   */
  addMembers(id: ConversationId, accountIds: readonly AccountId[], role: Role, by: Actor, cap: number | null, newEventId: () => EventId): Promise<ConversationEvent[]>;
  /** Ends an active membership with `member_left` (by itself) or `member_removed`. Throws `not_member`. */
  removeMember(id: ConversationId, accountId: AccountId, by: Actor, eventId: EventId): Promise<ConversationEvent>;
  /** Throws `not_member`. */
  setRole(id: ConversationId, accountId: AccountId, role: Role, by: Actor, eventId: EventId): Promise<ConversationEvent>;
  /** Appends `title_changed` / `description_changed` for the fields that differ. */
  updateInfo(id: ConversationId, patch: { title?: string; description?: string }, by: Actor, newEventId: () => EventId): Promise<ConversationEvent[]>;
  /** Own settings; throws `not_member`. */
  updateMembership(id: ConversationId, accountId: AccountId, patch: Partial<Pick<MembershipRecord, 'muteUntil' | 'archived' | 'pinned'>>): Promise<MembershipRecord>;
  /**
   * Moves a receipt pointer forward (never back; never past lastSeq; a read also moves
   * delivered). Stamps the versions of the member and of `notify` so their other devices sync
   * it. Returns the previous and new pointers; `moved` false when nothing changed.
   */
  moveReceipt(
    id: ConversationId,
    accountId: AccountId,
    kind: 'read' | 'delivered',
    seq: number,
    notify: readonly AccountId[],
  ): Promise<{ before: MembershipRecord; after: MembershipRecord; moved: boolean }>;
  /** For a message at `seq`: recipients' pointers, for read/delivered counts and names. */
  receiptsAt(id: ConversationId, seq: number, author: AccountId | null, limit: number): Promise<{ recipients: number; delivered: number; read: number; readBy: AccountId[]; deliveredTo: AccountId[] }>;
}

// ---- events ---------------------------------------------------------------------------------

/** What a caller asks to append; the store assigns seq and version in one commit. */
export type AppendRequest = {
  id: EventId;
  conversationId: ConversationId;
  sender: AccountId;
  at: number;
} & (
  | {
      type: 'message';
      /** Idempotency: the same (device, clientMsgId) returns the first event, never a second. */
      deviceId: DeviceId;
      clientMsgId: string;
      content: Content;
      replyTo?: { messageId: MessageId; seq: number };
      forwarded?: { messageId: MessageId; senderId?: AccountId };
      /** Enqueued in the same commit as the message (transactional outbox): its push fan-out. Not for duplicates. */
      job?: NewJob;
    }
  | { type: 'edit'; messageId: MessageId; content: Content }
  | { type: 'delete'; messageId: MessageId }
  | { type: 'reaction'; messageId: MessageId; emoji: string; action: 'add' | 'remove' }
);

export interface AppendResult {
  event: ConversationEvent;
  /** True when an earlier identical request's event is returned instead of a new one. */
  duplicate: boolean;
}

export interface EventStore {
  /**
   * Appends one event durably; the promise resolves only after the commit (group commit:
   * concurrent appends share one transaction). Rules applied in the same commit:
   * - message: (deviceId, clientMsgId) seen in the last 24 h or more → `duplicate` with the first event.
   * - edit: target must be a message of the same conversation → else `not_found`; deleted → `message_deleted`.
   *   The target's current content becomes the new content; the old one stays in its edit history.
   * - delete: as edit; the target and its edits lose their content (tombstone: `deletedAt`);
   *   its reactions go. Deleting again → `duplicate` with the first delete event.
   * - reaction add: one per (message, account, emoji); again → `duplicate` with the first one.
   *   remove: none present → `not_found`. Deleted target → `message_deleted`.
   * Also stamps the version of every active member, and advances the conversation's lastSeq.
   */
  append(req: AppendRequest): Promise<AppendResult>;
  /** Any event by id, messages in their current state. */
  get(id: EventId): Promise<ConversationEvent | null>;
  /**
   * A page of events in ascending seq, messages in their current state, never below `minSeq`.
   * `before`: the `limit` events just below it (default: the latest). `after`: the `limit` just above it.
   */
  page(id: ConversationId, opts: { before?: number; after?: number; limit: number; minSeq: number; maxSeq?: number }): Promise<ConversationEvent[]>;
  /** Distinct senders of messages with fromExclusive < seq <= toInclusive, other than `except`. */
  sendersBetween(id: ConversationId, fromExclusive: number, toInclusive: number, except: AccountId): Promise<AccountId[]>;
  /** The original content and each edit, oldest first; empty once deleted. */
  edits(messageId: MessageId): Promise<EditRecord[]>;
  /**
   * Full-text search over the current text and captions of messages in conversations the
   * account is an active member of (and only the part it may see), newest first.
   */
  search(accountId: AccountId, query: string, opts: { conversationId?: ConversationId; cursor?: string; limit: number }): Promise<ListPage<{ event: ConversationEvent; snippet: string }>>;
  /** Forgets idempotency keys older than `before`; returns how many. */
  purgeIdempotency(before: number): Promise<number>;
}

// ---- sync ---------------------------------------------------------------------------------

export interface SyncEntryRecord extends MembershipView {
  events: ConversationEvent[];
  receipts: { accountId: AccountId; readSeq: number; deliveredSeq: number }[];
  partial: boolean;
}

export interface SyncStore {
  /**
   * One page of changes for the account since `cursor` (null: a snapshot of every active
   * membership, without events). Conversations come in the order their membership versions
   * were stamped; a conversation's events are those committed after the cursor that the
   * member may see, in seq order, at most `limit` events per page in all (a conversation cut
   * short is `partial` and continues in the next page). A membership that ended (left,
   * removed) after the cursor comes with its final status and the events up to its end.
   * `receipts` are the pointers of other members that moved after the cursor, at most 100 per
   * conversation, latest first (channels: only for admins). The returned cursor,
   * passed back, continues; when `hasMore` is false it marks "caught up". Throws `invalid_cursor`.
   * Cost: proportional to what changed for this account, not to its number of conversations.
   */
  page(accountId: AccountId, cursor: string | null, limit: number): Promise<{ entries: SyncEntryRecord[]; cursor: string; hasMore: boolean }>;
}

// ---- media and sticker packs ---------------------------------------------------------------

export type MediaStatus = 'processing' | 'ready' | 'failed';

/** A derived file of a media object (thumbnail, video poster) in the MediaStore. */
export interface MediaVariant {
  key: string;
  mime: string;
  size: number;
  width: number;
  height: number;
}

export interface MediaRecord {
  id: MediaId;
  ownerId: AccountId;
  /** What it was uploaded as; decides the checks, the processing and the message kinds it may be sent as. */
  kind: MediaKind;
  status: MediaStatus;
  /** Sniffed from the bytes, never the client's word. */
  mime: string;
  /** Bytes of the stored original. */
  size: number;
  /** SHA-256 (lower-case hex) of the stored original. */
  sha256: string;
  /** MediaStore key of the original. */
  key: string;
  /** The uploader's file name (sanitised), null when none was given. */
  name: string | null;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  blurhash: string | null;
  /** Voice notes: amplitude buckets 0..255. */
  waveform: number[] | null;
  thumbnail: MediaVariant | null;
  poster: MediaVariant | null;
  /** Why processing failed (status `failed`). */
  error: string | null;
  createdAt: number;
  /**
   * Set by the store when the last message that referenced the object was deleted (the
   * object is then garbage right away, without waiting for the orphan age). Null otherwise.
   */
  releasedAt: number | null;
}

/** What processing may change on a record. */
export type MediaPatch = Partial<
  Pick<MediaRecord, 'status' | 'mime' | 'size' | 'sha256' | 'width' | 'height' | 'durationMs' | 'blurhash' | 'waveform' | 'thumbnail' | 'poster' | 'error'>
>;

export interface StickerRecord {
  mediaId: MediaId;
  /** The emoji the sticker stands for (for suggestions), null when none. */
  emoji: string | null;
  addedAt: number;
}

export interface StickerPackRecord {
  id: StickerPackId;
  ownerId: AccountId;
  title: string;
  createdAt: number;
  /** In the order they were added. */
  stickers: StickerRecord[];
}

/**
 * Metadata of uploaded media, who may read it, and sticker packs.
 *
 * References: `events.append` of a message whose content has a `mediaId` records, in the same
 * commit, that the media is referenced by that message (conversation, message id, seq); a
 * `delete` of the message drops that reference in its commit and, when it was the object's
 * last message reference, sets the record's `releasedAt`. A sticker in a pack is a reference
 * too. Unreferenced objects are garbage for the cleanup job (`garbage`).
 */
export interface MediaRecordStore {
  /**
   * Adds a record and, in the same transaction, its processing job (transactional outbox:
   * the job exists exactly when the record does). Throws `conflict` for an existing id.
   */
  create(record: MediaRecord, job: NewJob | null): Promise<void>;
  get(id: MediaId): Promise<MediaRecord | null>;
  /** Throws `not_found` for an unknown id. */
  update(id: MediaId, patch: MediaPatch): Promise<MediaRecord>;
  /** Sum of `size` over the account's records (every status): what counts against its quota. */
  usage(ownerId: AccountId): Promise<number>;
  /**
   * Whether the account may read the object: it uploaded it; or it is an active member of a
   * conversation with a (not deleted) message referencing it at a seq it may see
   * (seq >= its joinedSeq); or the object is a sticker in any pack (packs are public).
   */
  canRead(id: MediaId, accountId: AccountId): Promise<boolean>;
  /**
   * Up to `limit` records, oldest first, that nothing references (no message reference, in no
   * pack) and that are garbage: released (`releasedAt` set), or created before
   * `orphanedBefore` (uploaded but never sent), or owned by a deleted account.
   */
  garbage(opts: { orphanedBefore: number; limit: number }): Promise<MediaRecord[]>;
  /**
   * Deletes the record if it is still unreferenced (checked in the same transaction, so a
   * message sent meanwhile keeps it). True when deleted.
   */
  deleteIfUnreferenced(id: MediaId): Promise<boolean>;

  /** Throws `conflict` for an existing id. */
  createPack(pack: { id: StickerPackId; ownerId: AccountId; title: string; createdAt: number }): Promise<StickerPackRecord>;
  getPack(id: StickerPackId): Promise<StickerPackRecord | null>;
  /**
   * Appends a sticker. Throws `not_found` (no such pack), `conflict` (already in the pack),
   * `group_full` (the pack has `cap` stickers).
   */
  addSticker(packId: StickerPackId, sticker: StickerRecord, cap: number): Promise<StickerPackRecord>;
  /** Removes a sticker; false when it was not in the pack. */
  removeSticker(packId: StickerPackId, mediaId: MediaId): Promise<boolean>;
  /** Packs the account created or installed, oldest first (created or installed). */
  listPacks(accountId: AccountId): Promise<StickerPackRecord[]>;
  /** Idempotent. Throws `not_found` for an unknown pack. */
  installPack(accountId: AccountId, packId: StickerPackId, at: number): Promise<void>;
  /** Idempotent. */
  uninstallPack(accountId: AccountId, packId: StickerPackId): Promise<void>;
}

// ---- push -------------------------------------------------------------------------------------

/** The settings of an account that never changed them. */
export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = { privacy: 'full', mentionsBreakMute: true, dnd: null };

/**
 * Push targets (one per device and kind), notification settings per account, and per member
 * of a conversation the highest seq a notification covered (`notifiedSeq`) and the highest one
 * a clear covered (`clearedSeq`): a notification is showing while notifiedSeq > clearedSeq.
 */
export interface PushStore {
  /**
   * Sets the device's target of `kind`, replacing the one it had (its createdAt is kept, also
   * for a new address). The same address registered by another device (an app reinstalled, a
   * browser profile signed in again) is removed from that device: an address wakes one device.
   */
  putTarget(target: Omit<PushTargetRecord, 'createdAt' | 'updatedAt'>, at: number): Promise<PushTargetRecord>;
  /** False when the device had none of that kind. */
  deleteTarget(deviceId: DeviceId, kind: PushKind): Promise<boolean>;
  /**
   * Deletes the target only if it still has `address` (the service said it is gone; a device
   * that registered a new address meanwhile keeps it). True when deleted.
   */
  pruneTarget(deviceId: DeviceId, kind: PushKind, address: string): Promise<boolean>;
  getTarget(deviceId: DeviceId, kind: PushKind): Promise<PushTargetRecord | null>;
  /** Targets of these accounts' live (not revoked) devices. */
  listTargets(accountIds: readonly AccountId[]): Promise<PushTargetRecord[]>;
  /**
   * Whether an active member of the conversation other than `except` has a target on a live
   * device: a message nobody could be woken for needs no push job.
   */
  hasTargets(conversationId: ConversationId, except: AccountId): Promise<boolean>;
  /** DEFAULT_NOTIFICATION_SETTINGS for an account that never set any. */
  getSettings(accountId: AccountId): Promise<NotificationSettings>;
  /** Settings of each account (defaults filled in), keyed by account id. */
  getSettingsMany(accountIds: readonly AccountId[]): Promise<Map<AccountId, NotificationSettings>>;
  updateSettings(accountId: AccountId, patch: NotificationSettingsPatch): Promise<NotificationSettings>;
  /**
   * Records that the member is notified up to `seq` and, in the same transaction, enqueues
   * `jobs` (the sends), only if `seq` is above its notifiedSeq. True when it moved: of
   * concurrent or repeated fan-outs for one message, exactly one notifies.
   */
  notify(accountId: AccountId, conversationId: ConversationId, seq: number, jobs: readonly NewJob[], now: number): Promise<boolean>;
  /**
   * When a notification is showing (notifiedSeq > clearedSeq) and `readSeq` reached
   * notifiedSeq: sets clearedSeq = notifiedSeq and enqueues `jobs` in the same transaction.
   * True when it did.
   */
  clear(accountId: AccountId, conversationId: ConversationId, readSeq: number, jobs: readonly NewJob[], now: number): Promise<boolean>;
  /** { notifiedSeq, clearedSeq }, zeros when never notified. */
  state(accountId: AccountId, conversationId: ConversationId): Promise<{ notifiedSeq: number; clearedSeq: number }>;
  /**
   * The account's unread messages in all its active conversations (the badge): messages by
   * others, not deleted, with seq > readSeq and >= joinedSeq.
   */
  unreadTotal(accountId: AccountId): Promise<number>;
}

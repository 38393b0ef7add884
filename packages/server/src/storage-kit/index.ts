/**
 * What every SQL storage adapter shares: the opaque cursor codec, the sync cursor, and row →
 * record/event mappers written against normalised rows (numbers as JS numbers, flags as
 * booleans). SQL stays in the adapters; each converts its driver's quirks before mapping.
 */
export { decodeCursor, encodeCursor, isInt, isObj, isStr, pageOf } from './cursor.js';
export { EVENT_COLUMNS, eventColumns, REACTORS_LISTED, groupReactions, reactableIds, searchText, toEvent } from './event-rows.js';
export type { EventRow, ReactorRow } from './event-rows.js';
export { movePointers, toConversation, toMembership, visibleEnd } from './views.js';
export type { ConversationRow, MembershipRow } from './views.js';
export { PATCH_COLUMNS, toAccount, toDevice, toJob, toToken } from './records.js';
export type { AccountRow, DeviceRow, JobRow, TokenRow } from './records.js';
export { isSyncCursor, pageCursor, startingCursor } from './sync-cursor.js';
export type { SyncCursor } from './sync-cursor.js';
export { isConversationListCursor, isMembersCursor } from './list-cursors.js';
export type { ConversationListCursor, MembersCursor, MembershipOps } from './list-cursors.js';
export { checkedBatches, DUMP_BATCH, DUMP_TABLES, ImportError, NOT_EMPTY } from './dump.js';
export type { DumpTable, DumpValue } from './dump.js';
export { MEDIA_COLUMNS, mediaPatch, mediaValues, toMedia, toPacks } from './media-rows.js';
export type { MediaRow, StickerPackRow, StickerRow } from './media-rows.js';
export { toNotificationSettings, toPushTarget } from './push-rows.js';
export type { NotificationSettingsRow, PushTargetRow } from './push-rows.js';

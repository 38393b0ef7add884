import { Type, type TUnsafe } from '@sinclair/typebox';

/**
 * IDs are prefixed, lexicographically sortable strings: a prefix, an underscore and a
 * 26-character ULID (48-bit millisecond time + 80 random bits, Crockford base32).
 */
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type AccountId = Brand<string, 'AccountId'>;
export type DeviceId = Brand<string, 'DeviceId'>;
export type ConversationId = Brand<string, 'ConversationId'>;
/** Id of any conversation event: `msg_…` for messages, `evt_…` for edits, deletes, reactions and system events. */
export type EventId = Brand<string, 'EventId'>;
/** Id of a message event (a subset of EventId, prefixed `msg_`). */
export type MessageId = EventId;
export type MediaId = Brand<string, 'MediaId'>;
export type StickerPackId = Brand<string, 'StickerPackId'>;

export const ID_PREFIX = {
  account: 'acc',
  device: 'dev',
  conversation: 'cnv',
  message: 'msg',
  event: 'evt',
  media: 'med',
  stickerPack: 'spk',
} as const;
export type IdKind = keyof typeof ID_PREFIX;

const ULID = '[0-9A-HJKMNP-TV-Z]{26}';

function idSchema<T extends string>(pattern: string, description: string): TUnsafe<T> {
  return Type.Unsafe<T>(Type.String({ pattern: `^${pattern}_${ULID}$`, description }));
}

export const AccountIdSchema = idSchema<AccountId>('acc', 'Account id (acc_…)');
export const DeviceIdSchema = idSchema<DeviceId>('dev', 'Device id (dev_…)');
export const ConversationIdSchema = idSchema<ConversationId>('cnv', 'Conversation id (cnv_…)');
export const EventIdSchema = idSchema<EventId>('(?:msg|evt)', 'Event id (msg_… for messages, evt_… otherwise)');
export const MessageIdSchema = idSchema<MessageId>('msg', 'Message id (msg_…)');
export const MediaIdSchema = idSchema<MediaId>('med', 'Media id (med_…)');
export const StickerPackIdSchema = idSchema<StickerPackId>('spk', 'Sticker pack id (spk_…)');

const ID_RE = new RegExp(`^(acc|dev|cnv|msg|evt|med|spk)_${ULID}$`);

/** True when `value` is a well-formed id of the given kind. */
export function isId(kind: IdKind, value: string): boolean {
  const m = ID_RE.exec(value);
  return m !== null && m[1] === ID_PREFIX[kind];
}

import { Type, type Static } from '@sinclair/typebox';
import { AccountIdSchema, ConversationIdSchema, DeviceIdSchema } from './ids.js';

const Strict = { additionalProperties: false } as const;

/** The push services a device can be woken through: one target of each kind per device. */
export const PUSH_KINDS = ['webpush', 'fcm', 'apns'] as const;
export type PushKind = (typeof PUSH_KINDS)[number];
export const PushKindSchema = Type.Union(
  PUSH_KINDS.map((k) => Type.Literal(k)),
  { description: 'webpush (browsers, RFC 8030), fcm (Android: Firebase Cloud Messaging) or apns (iOS, macOS: Apple Push Notification service)' },
);

const Base64Url = (description: string, minLength: number, maxLength: number) =>
  Type.String({ pattern: '^[A-Za-z0-9_-]+={0,2}$', minLength, maxLength, description });

/** A browser's PushSubscription, as `subscription.toJSON()` gives it (expirationTime may be left out). */
export const WebPushTargetSchema = Type.Object(
  {
    endpoint: Type.String({ minLength: 8, maxLength: 2048, description: "The push service URL of the subscription (https)" }),
    expirationTime: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    keys: Type.Object(
      {
        p256dh: Base64Url("The subscription's P-256 public key, uncompressed (65 bytes), base64url", 86, 90),
        auth: Base64Url('The 16-byte authentication secret, base64url', 22, 24),
      },
      Strict,
    ),
  },
  Strict,
);
export type WebPushTarget = Static<typeof WebPushTargetSchema>;

export const FcmTargetSchema = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 4096, description: 'The FCM registration token of the app install' }) },
  Strict,
);
export type FcmTarget = Static<typeof FcmTargetSchema>;

export const ApnsTargetSchema = Type.Object(
  {
    token: Type.String({ pattern: '^[0-9a-fA-F]{64,200}$', description: 'The APNs device token, hex' }),
    topic: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: "The app's bundle id; default: the server's configured topic" })),
    environment: Type.Optional(
      Type.Union([Type.Literal('production'), Type.Literal('sandbox')], { description: 'sandbox for development builds; default production' }),
    ),
  },
  Strict,
);
export type ApnsTarget = Static<typeof ApnsTargetSchema>;

/** A registered target as the API shows it (the address itself is never echoed). */
export const PushTargetSchema = Type.Object(
  {
    kind: PushKindSchema,
    deviceId: DeviceIdSchema,
    createdAt: Type.Integer(),
    updatedAt: Type.Integer(),
  },
  Strict,
);
export type PushTargetView = Static<typeof PushTargetSchema>;

/** Which push services this server sends through, and what a browser needs to subscribe. */
export const PushConfigSchema = Type.Object(
  {
    webpush: Type.Union([Type.Object({ publicKey: Type.String({ description: 'VAPID public key (applicationServerKey), base64url' }) }, Strict), Type.Null()]),
    fcm: Type.Boolean(),
    apns: Type.Boolean(),
  },
  Strict,
);
export type PushConfig = Static<typeof PushConfigSchema>;

/**
 * What a notification may say: `full` (sender and text), `sender` (who wrote, not what) or
 * `none` ("New message"). Encrypted conversations never carry content, whatever this says.
 */
export const PushPrivacySchema = Type.Union([Type.Literal('full'), Type.Literal('sender'), Type.Literal('none')]);
export type PushPrivacy = Static<typeof PushPrivacySchema>;

const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM, 24-hour' });

/**
 * Do-not-disturb hours: from `from` until `to` (may span midnight), in `timeZone`, notifications
 * arrive quietly (no sound, no vibration, not waking the screen where the platform allows).
 */
export const DndSchema = Type.Object(
  {
    from: ClockTime,
    to: ClockTime,
    timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Paris' }),
  },
  Strict,
);
export type Dnd = Static<typeof DndSchema>;

export const NotificationSettingsSchema = Type.Object(
  {
    privacy: PushPrivacySchema,
    /** A mention of you notifies even in a muted group. */
    mentionsBreakMute: Type.Boolean(),
    dnd: Type.Union([DndSchema, Type.Null()]),
  },
  Strict,
);
export type NotificationSettings = Static<typeof NotificationSettingsSchema>;

export const NotificationSettingsPatchSchema = Type.Partial(NotificationSettingsSchema, Strict);
export type NotificationSettingsPatch = Static<typeof NotificationSettingsPatchSchema>;

/**
 * What a push carries to the app (Web Push: the decrypted JSON; FCM: the `data` map, every value
 * a string; APNs: keys beside `aps`). `message`: show (or update) the conversation's one
 * notification, tagged with the conversation id. `clear`: the conversation was read on another
 * device; remove its notification.
 */
export const PushPayloadSchema = Type.Union([
  Type.Object(
    {
      type: Type.Literal('message'),
      conversationId: ConversationIdSchema,
      /** The newest message the notification covers. */
      seq: Type.Integer(),
      title: Type.String(),
      body: Type.String(),
      /** Unread messages in this conversation. */
      count: Type.Integer(),
      /** The account's unread messages in all conversations (the app badge). */
      badge: Type.Integer(),
      /** Present when the privacy level shows the sender. */
      senderId: Type.Optional(AccountIdSchema),
      /** The newest message mentions you. */
      mention: Type.Optional(Type.Boolean()),
      /** Sent during your do-not-disturb hours: show it without sound or vibration. */
      quiet: Type.Optional(Type.Boolean()),
    },
    Strict,
  ),
  Type.Object({ type: Type.Literal('clear'), conversationId: ConversationIdSchema, badge: Type.Integer() }, Strict),
]);
export type PushPayload = Static<typeof PushPayloadSchema>;

import type { AccountId, DeviceId, Dnd, NotificationSettings, PushKind, PushPrivacy } from '@ottr/protocol';
import type { PushTargetRecord } from '../ports/push.js';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../ports/store.js';

/** A push_targets row: params as JSON text. */
export interface PushTargetRow {
  device_id: string;
  kind: PushKind;
  account_id: string;
  address: string;
  params: string;
  created_at: number;
  updated_at: number;
}

export const toPushTarget = (r: PushTargetRow): PushTargetRecord => ({
  accountId: r.account_id as AccountId,
  deviceId: r.device_id as DeviceId,
  kind: r.kind,
  address: r.address,
  params: JSON.parse(r.params) as Record<string, string>,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** A notification_settings row, its flag normalised to a boolean; dnd as JSON text (null: none). */
export interface NotificationSettingsRow {
  account_id: string;
  privacy: PushPrivacy;
  mentions_break_mute: boolean;
  dnd: string | null;
}

/** The settings of a row, or the defaults when the account has none. */
export const toNotificationSettings = (r: NotificationSettingsRow | undefined): NotificationSettings =>
  r === undefined
    ? { ...DEFAULT_NOTIFICATION_SETTINGS }
    : { privacy: r.privacy, mentionsBreakMute: r.mentions_break_mute, dnd: r.dnd === null ? null : (JSON.parse(r.dnd) as Dnd) };

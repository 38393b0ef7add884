/**
 * Push notifications (push.ts). push_targets: a device's registration with one push service,
 * one per (device, kind); an address belongs to one device (unique per kind); params is JSON.
 * notification_settings: an account's, when it changed them (no row: the defaults); dnd is
 * JSON (null: none). push_state: per member, the highest seq a notification covered and the
 * highest a clear covered (a notification is showing while notified_seq > cleared_seq).
 */
export const sql = `
CREATE TABLE push_targets (
  device_id TEXT NOT NULL REFERENCES devices (id),
  kind TEXT NOT NULL CHECK (kind IN ('webpush', 'fcm', 'apns')),
  account_id TEXT NOT NULL REFERENCES accounts (id),
  address TEXT NOT NULL,
  params TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (device_id, kind)
) WITHOUT ROWID;
CREATE UNIQUE INDEX push_targets_address ON push_targets (kind, address);
CREATE INDEX push_targets_account ON push_targets (account_id);

CREATE TABLE notification_settings (
  account_id TEXT PRIMARY KEY REFERENCES accounts (id),
  privacy TEXT NOT NULL CHECK (privacy IN ('full', 'sender', 'none')),
  mentions_break_mute INTEGER NOT NULL,
  dnd TEXT
) WITHOUT ROWID;

CREATE TABLE push_state (
  account_id TEXT NOT NULL REFERENCES accounts (id),
  conversation_id TEXT NOT NULL REFERENCES conversations (id),
  notified_seq INTEGER NOT NULL,
  cleared_seq INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, conversation_id)
) WITHOUT ROWID;
`;

/**
 * Push notifications (push.ts), as in store-sqlite's migration 5. push_targets: a device's
 * registration with one push service, one per (device, kind); an address belongs to one device,
 * unique per kind through the md5 of the address (an FCM token may be longer than a btree entry
 * may be); params is JSON text. notification_settings: an account's, when it changed them (no
 * row: the defaults); dnd is JSON text (null: none). push_state: per member, the highest seq a
 * notification covered and the highest a clear covered (showing while notified_seq > cleared_seq).
 */
export const sql = `
CREATE TABLE push_targets (
  device_id text COLLATE "C" NOT NULL REFERENCES devices (id),
  kind text NOT NULL CHECK (kind IN ('webpush', 'fcm', 'apns')),
  account_id text COLLATE "C" NOT NULL REFERENCES accounts (id),
  address text NOT NULL,
  params text NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (device_id, kind)
);
CREATE UNIQUE INDEX push_targets_address ON push_targets (kind, md5(address));
CREATE INDEX push_targets_account ON push_targets (account_id);

CREATE TABLE notification_settings (
  account_id text COLLATE "C" PRIMARY KEY REFERENCES accounts (id),
  privacy text NOT NULL CHECK (privacy IN ('full', 'sender', 'none')),
  mentions_break_mute boolean NOT NULL,
  dnd text
);

CREATE TABLE push_state (
  account_id text COLLATE "C" NOT NULL REFERENCES accounts (id),
  conversation_id text COLLATE "C" NOT NULL REFERENCES conversations (id),
  notified_seq bigint NOT NULL,
  cleared_seq bigint NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (account_id, conversation_id)
);
`;

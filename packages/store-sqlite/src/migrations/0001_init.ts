/**
 * The initial schema. Conventions: times are ms since the epoch; JSON columns hold protocol
 * values; booleans are 0/1. Tables with text keys are WITHOUT ROWID; `events` keeps an integer
 * key because the full-text index is keyed by it.
 */
export const sql = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('version', 0);

CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  phone TEXT UNIQUE,
  email TEXT UNIQUE,
  display_name TEXT NOT NULL,
  about TEXT NOT NULL,
  avatar TEXT,
  presence_privacy TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER,
  deleted_at INTEGER
) WITHOUT ROWID;

CREATE TABLE blocks (
  blocker TEXT NOT NULL REFERENCES accounts (id),
  blocked TEXT NOT NULL REFERENCES accounts (id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (blocker, blocked)
) WITHOUT ROWID;
CREATE INDEX blocks_blocked ON blocks (blocked);

CREATE TABLE auth_codes (
  identifier TEXT PRIMARY KEY,
  code_hash TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX auth_codes_expiry ON auth_codes (expires_at);

CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  name TEXT NOT NULL,
  platform TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_active_at INTEGER NOT NULL,
  revoked_at INTEGER
) WITHOUT ROWID;
CREATE INDEX devices_account ON devices (account_id);

-- rotated_at: a refresh token already exchanged, kept until it expires to detect reuse.
CREATE TABLE tokens (
  hash TEXT PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES devices (id),
  kind TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
  expires_at INTEGER NOT NULL,
  rotated_at INTEGER
) WITHOUT ROWID;
CREATE INDEX tokens_device ON tokens (device_id);
CREATE INDEX tokens_expiry ON tokens (expires_at);

-- direct_a < direct_b: the pair of a direct conversation, unique.
CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('direct', 'group', 'channel')),
  title TEXT,
  description TEXT,
  direct_a TEXT,
  direct_b TEXT,
  created_at INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  last_event_at INTEGER NOT NULL,
  member_count INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX conversations_direct_pair ON conversations (direct_a, direct_b) WHERE kind = 'direct';

-- join_seq: seq of the join event (orders members); joined_seq: first seq the member may see
-- (channels: 1); left_seq: seq of the leave/remove event of an ended membership.
-- version: the last commit that changed what this account must sync of this conversation;
-- receipt_version: the last commit that moved this member's pointers.
CREATE TABLE memberships (
  conversation_id TEXT NOT NULL REFERENCES conversations (id),
  account_id TEXT NOT NULL REFERENCES accounts (id),
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  status TEXT NOT NULL CHECK (status IN ('active', 'left', 'removed')),
  join_seq INTEGER NOT NULL,
  joined_seq INTEGER NOT NULL,
  left_seq INTEGER,
  read_seq INTEGER NOT NULL DEFAULT 0,
  delivered_seq INTEGER NOT NULL DEFAULT 0,
  mute_until INTEGER,
  archived INTEGER NOT NULL DEFAULT 0,
  pinned INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL,
  receipt_version INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (conversation_id, account_id)
) WITHOUT ROWID;
CREATE INDEX memberships_sync ON memberships (account_id, version, conversation_id);
CREATE INDEX memberships_members ON memberships (conversation_id, status, join_seq);
CREATE INDEX memberships_receipts ON memberships (conversation_id, receipt_version);

-- One row per event. target: the message an edit/delete/reaction refers to. content: JSON of a
-- message's current content or of an edit's content (null once the message is deleted). data:
-- JSON of the other type-specific fields. edited_at/deleted_at: a message's current state.
CREATE TABLE events (
  pk INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  conversation_id TEXT NOT NULL REFERENCES conversations (id),
  seq INTEGER NOT NULL,
  version INTEGER NOT NULL,
  type TEXT NOT NULL,
  sender TEXT,
  at INTEGER NOT NULL,
  target TEXT,
  content TEXT,
  data TEXT,
  edited_at INTEGER,
  deleted_at INTEGER,
  UNIQUE (conversation_id, seq)
);
CREATE INDEX events_version ON events (conversation_id, version);
CREATE INDEX events_target ON events (target, type) WHERE target IS NOT NULL;

-- The original content (at the message's seq) and each edit of an edited message.
CREATE TABLE edit_history (
  message_id TEXT NOT NULL REFERENCES events (id),
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  content TEXT NOT NULL,
  PRIMARY KEY (message_id, seq)
) WITHOUT ROWID;

CREATE TABLE reactions (
  message_id TEXT NOT NULL REFERENCES events (id),
  account_id TEXT NOT NULL REFERENCES accounts (id),
  emoji TEXT NOT NULL,
  event_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (message_id, account_id, emoji)
) WITHOUT ROWID;

CREATE TABLE idempotency (
  device_id TEXT NOT NULL,
  client_msg_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (device_id, client_msg_id)
) WITHOUT ROWID;
CREATE INDEX idempotency_created ON idempotency (created_at);

-- Current searchable text of each message, rowid = events.pk.
CREATE VIRTUAL TABLE message_fts USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2');
`;

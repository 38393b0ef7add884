/**
 * The initial schema. Conventions: times are ms since the epoch (bigint); content and data
 * columns hold protocol JSON as text (kept byte for byte); ids are text in the "C" collation
 * (byte order, as the ULIDs sort). The schema mirrors store-sqlite's; the differences:
 *
 * - `version_counter`: the store-wide version, one row. A commit locks it (UPDATE) just before
 *   COMMIT, so versions become visible in commit order across nodes (see writer.ts).
 * - `conversation_commits`: one row per conversation per commit with the seqs it appended, so
 *   sync finds "events committed after version b" without a version column on every event.
 * - `events.body`: the searchable text of a message (null: none), indexed by a GIN index over
 *   its tsvector in the language-neutral `simple` configuration (no stemming, no stop words).
 */
export const sql = `
CREATE TABLE version_counter (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  version bigint NOT NULL
);
INSERT INTO version_counter (version) VALUES (0);

CREATE TABLE accounts (
  id text COLLATE "C" PRIMARY KEY,
  phone text UNIQUE,
  email text UNIQUE,
  display_name text NOT NULL,
  about text NOT NULL,
  avatar text,
  presence_privacy text NOT NULL,
  created_at bigint NOT NULL,
  last_seen_at bigint,
  suspended_at bigint,
  deleted_at bigint
);
CREATE INDEX accounts_created ON accounts (created_at DESC, id DESC);

CREATE TABLE blocks (
  blocker text COLLATE "C" NOT NULL REFERENCES accounts (id),
  blocked text COLLATE "C" NOT NULL REFERENCES accounts (id),
  created_at bigint NOT NULL,
  PRIMARY KEY (blocker, blocked)
);
CREATE INDEX blocks_blocked ON blocks (blocked);

CREATE TABLE auth_codes (
  identifier text PRIMARY KEY,
  code_hash text NOT NULL,
  expires_at bigint NOT NULL,
  attempts integer NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX auth_codes_expiry ON auth_codes (expires_at);

CREATE TABLE devices (
  id text COLLATE "C" PRIMARY KEY,
  account_id text COLLATE "C" NOT NULL REFERENCES accounts (id),
  name text NOT NULL,
  platform text NOT NULL,
  created_at bigint NOT NULL,
  last_active_at bigint NOT NULL,
  revoked_at bigint
);
CREATE INDEX devices_account ON devices (account_id);

-- rotated_at: a refresh token already exchanged, kept until it expires to detect reuse.
CREATE TABLE tokens (
  hash text PRIMARY KEY,
  device_id text COLLATE "C" NOT NULL REFERENCES devices (id),
  kind text NOT NULL CHECK (kind IN ('access', 'refresh')),
  expires_at bigint NOT NULL,
  rotated_at bigint
);
CREATE INDEX tokens_device ON tokens (device_id);
CREATE INDEX tokens_expiry ON tokens (expires_at);

-- direct_a < direct_b: the pair of a direct conversation, unique across every node.
CREATE TABLE conversations (
  id text COLLATE "C" PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('direct', 'group', 'channel')),
  title text,
  description text,
  direct_a text COLLATE "C",
  direct_b text COLLATE "C",
  created_at bigint NOT NULL,
  last_seq bigint NOT NULL,
  last_event_at bigint NOT NULL,
  member_count integer NOT NULL
);
CREATE UNIQUE INDEX conversations_direct_pair ON conversations (direct_a, direct_b) WHERE kind = 'direct';

-- join_seq: seq of the join event (orders members); joined_seq: first seq the member may see
-- (channels: 1); left_seq: seq of the leave/remove event of an ended membership.
-- version: the last commit that changed what this account must sync of this conversation;
-- receipt_version: the last commit that moved this member's pointers.
CREATE TABLE memberships (
  conversation_id text COLLATE "C" NOT NULL REFERENCES conversations (id),
  account_id text COLLATE "C" NOT NULL REFERENCES accounts (id),
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  status text NOT NULL CHECK (status IN ('active', 'left', 'removed')),
  join_seq bigint NOT NULL,
  joined_seq bigint NOT NULL,
  left_seq bigint,
  read_seq bigint NOT NULL DEFAULT 0,
  delivered_seq bigint NOT NULL DEFAULT 0,
  mute_until bigint,
  archived boolean NOT NULL DEFAULT false,
  pinned boolean NOT NULL DEFAULT false,
  version bigint NOT NULL,
  receipt_version bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (conversation_id, account_id)
);
CREATE INDEX memberships_sync ON memberships (account_id, version, conversation_id);
CREATE INDEX memberships_members ON memberships (conversation_id, status, join_seq);
CREATE INDEX memberships_receipts ON memberships (conversation_id, receipt_version);

-- One row per event. target: the message an edit/delete/reaction refers to. content: JSON of a
-- message's current content or of an edit's content (null once the message is deleted). data:
-- JSON of the other type-specific fields. edited_at/deleted_at: a message's current state.
-- body: a message's current searchable text.
CREATE TABLE events (
  pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text COLLATE "C" NOT NULL UNIQUE,
  conversation_id text COLLATE "C" NOT NULL REFERENCES conversations (id),
  seq bigint NOT NULL,
  type text NOT NULL,
  sender text COLLATE "C",
  at bigint NOT NULL,
  target text COLLATE "C",
  content text,
  data text,
  edited_at bigint,
  deleted_at bigint,
  body text,
  UNIQUE (conversation_id, seq)
);
CREATE INDEX events_target ON events (target, type) WHERE target IS NOT NULL;
CREATE INDEX events_search ON events USING gin (to_tsvector('simple', body)) WHERE body IS NOT NULL;

-- Per commit and conversation: the seqs it appended (sync: the first event after version b).
CREATE TABLE conversation_commits (
  conversation_id text COLLATE "C" NOT NULL REFERENCES conversations (id),
  version bigint NOT NULL,
  first_seq bigint NOT NULL,
  last_seq bigint NOT NULL,
  PRIMARY KEY (conversation_id, version)
);

-- The original content (at the message's seq) and each edit of an edited message.
CREATE TABLE edit_history (
  message_id text COLLATE "C" NOT NULL REFERENCES events (id),
  seq bigint NOT NULL,
  at bigint NOT NULL,
  content text NOT NULL,
  PRIMARY KEY (message_id, seq)
);

CREATE TABLE reactions (
  message_id text COLLATE "C" NOT NULL REFERENCES events (id),
  account_id text COLLATE "C" NOT NULL REFERENCES accounts (id),
  emoji text NOT NULL,
  event_id text COLLATE "C" NOT NULL,
  seq bigint NOT NULL,
  PRIMARY KEY (message_id, account_id, emoji)
);

CREATE TABLE idempotency (
  device_id text COLLATE "C" NOT NULL,
  client_msg_id text NOT NULL,
  event_id text COLLATE "C" NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (device_id, client_msg_id)
);
CREATE INDEX idempotency_created ON idempotency (created_at);

-- The job queue (jobs.ts). due_at: when a pending job may run, or when a running job's lease
-- ends (then another worker may claim it). dedupe_key: unique while the row exists.
CREATE TABLE jobs (
  id text COLLATE "C" PRIMARY KEY,
  kind text NOT NULL,
  payload text NOT NULL,
  dedupe_key text UNIQUE,
  status text NOT NULL CHECK (status IN ('pending', 'running', 'done', 'dead')),
  due_at bigint NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL,
  backoff_ms bigint NOT NULL,
  worker text,
  last_error text,
  created_at bigint NOT NULL,
  finished_at bigint
);
CREATE INDEX jobs_due ON jobs (due_at) WHERE status IN ('pending', 'running');
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE status IN ('done', 'dead');
`;

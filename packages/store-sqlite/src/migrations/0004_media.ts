/**
 * Uploaded media and sticker packs (media.ts). media: one row per upload; waveform, thumbnail
 * and poster are JSON (null: none); released_at is set when its last message reference went.
 * media_refs: which messages reference which media (written by events.append, dropped by a
 * delete), with the message's conversation and seq so that canRead checks the reader's
 * joined_seq. stickers.position: the order stickers were added to their pack.
 */
export const sql = `
CREATE TABLE media (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL REFERENCES accounts (id),
  kind TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('processing', 'ready', 'failed')),
  mime TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  key TEXT NOT NULL,
  name TEXT,
  width INTEGER,
  height INTEGER,
  duration_ms INTEGER,
  blurhash TEXT,
  waveform TEXT,
  thumbnail TEXT,
  poster TEXT,
  error TEXT,
  created_at INTEGER NOT NULL,
  released_at INTEGER
) WITHOUT ROWID;
CREATE INDEX media_owner ON media (owner_id);
CREATE INDEX media_created ON media (created_at, id);

CREATE TABLE media_refs (
  media_id TEXT NOT NULL REFERENCES media (id),
  message_id TEXT NOT NULL REFERENCES events (id),
  conversation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (media_id, message_id)
) WITHOUT ROWID;
CREATE INDEX media_refs_message ON media_refs (message_id);

CREATE TABLE sticker_packs (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL REFERENCES accounts (id),
  title TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sticker_packs_owner ON sticker_packs (owner_id);

CREATE TABLE stickers (
  pack_id TEXT NOT NULL REFERENCES sticker_packs (id),
  media_id TEXT NOT NULL REFERENCES media (id),
  emoji TEXT,
  added_at INTEGER NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (pack_id, media_id)
) WITHOUT ROWID;
CREATE INDEX stickers_media ON stickers (media_id);

CREATE TABLE sticker_installs (
  account_id TEXT NOT NULL REFERENCES accounts (id),
  pack_id TEXT NOT NULL REFERENCES sticker_packs (id),
  installed_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, pack_id)
) WITHOUT ROWID;
`;

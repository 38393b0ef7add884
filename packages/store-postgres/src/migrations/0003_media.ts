/**
 * Uploaded media and sticker packs (media.ts), as in store-sqlite's migration 4. media: one
 * row per upload; waveform, thumbnail and poster are JSON text (null: none); released_at is set
 * when its last message reference went. media_refs: which messages reference which media
 * (written by events.append, dropped by a delete), with the message's conversation and seq so
 * that canRead checks the reader's joined_seq. stickers.position: the order of a pack.
 */
export const sql = `
CREATE TABLE media (
  id text COLLATE "C" PRIMARY KEY,
  owner_id text COLLATE "C" NOT NULL REFERENCES accounts (id),
  kind text NOT NULL,
  status text NOT NULL CHECK (status IN ('processing', 'ready', 'failed')),
  mime text NOT NULL,
  size bigint NOT NULL,
  sha256 text NOT NULL,
  key text NOT NULL,
  name text,
  width integer,
  height integer,
  duration_ms bigint,
  blurhash text,
  waveform text,
  thumbnail text,
  poster text,
  error text,
  created_at bigint NOT NULL,
  released_at bigint
);
CREATE INDEX media_owner ON media (owner_id);
CREATE INDEX media_created ON media (created_at, id);

CREATE TABLE media_refs (
  media_id text COLLATE "C" NOT NULL REFERENCES media (id),
  message_id text COLLATE "C" NOT NULL REFERENCES events (id),
  conversation_id text COLLATE "C" NOT NULL,
  seq bigint NOT NULL,
  PRIMARY KEY (media_id, message_id)
);
CREATE INDEX media_refs_message ON media_refs (message_id);

CREATE TABLE sticker_packs (
  id text COLLATE "C" PRIMARY KEY,
  owner_id text COLLATE "C" NOT NULL REFERENCES accounts (id),
  title text NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX sticker_packs_owner ON sticker_packs (owner_id);

CREATE TABLE stickers (
  pack_id text COLLATE "C" NOT NULL REFERENCES sticker_packs (id),
  media_id text COLLATE "C" NOT NULL REFERENCES media (id),
  emoji text,
  added_at bigint NOT NULL,
  position integer NOT NULL,
  PRIMARY KEY (pack_id, media_id)
);
CREATE INDEX stickers_media ON stickers (media_id);

CREATE TABLE sticker_installs (
  account_id text COLLATE "C" NOT NULL REFERENCES accounts (id),
  pack_id text COLLATE "C" NOT NULL REFERENCES sticker_packs (id),
  installed_at bigint NOT NULL,
  PRIMARY KEY (account_id, pack_id)
);
`;

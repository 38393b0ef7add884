import { isMediaContent, type Content } from '@ottr/protocol';
import { AppError, type MediaRecordStore, type StickerPackRecord } from '@ottr/server';
import { MEDIA_COLUMNS, mediaPatch, mediaValues, toMedia, toPacks, type MediaRow, type StickerPackRow, type StickerRow } from '@ottr/server/storage-kit';
import { json, type Db } from './db.js';
import { enqueueJob } from './jobs.js';

/** Nothing references the media row `m`: no message, no pack. */
const UNREFERENCED = 'NOT EXISTS (SELECT 1 FROM media_refs r WHERE r.media_id = m.id) AND NOT EXISTS (SELECT 1 FROM stickers s WHERE s.media_id = m.id)';

/**
 * For events.append, inside its savepoint: a message with media content references that media
 * (and takes back a release: the object is in use again). A mediaId without a record (the
 * server never sends one) references nothing.
 */
export function referenceMedia(db: Db, content: Content, message: { id: string; conversationId: string; seq: number }): void {
  if (!isMediaContent(content)) return;
  const n = db.run(
    'INSERT INTO media_refs (media_id, message_id, conversation_id, seq) SELECT id, ?, ?, ? FROM media WHERE id = ?',
    message.id, message.conversationId, message.seq, content.mediaId,
  ).changes;
  if (n > 0) db.run('UPDATE media SET released_at = NULL WHERE id = ? AND released_at IS NOT NULL', content.mediaId);
}

/** For a message delete: drops its references; media it referenced last are released at `at`. */
export function dropReferences(db: Db, messageId: string, at: number): void {
  const gone = db.all<{ media_id: string }>('DELETE FROM media_refs WHERE message_id = ? RETURNING media_id', messageId);
  for (const { media_id } of gone) {
    db.run('UPDATE media SET released_at = ? WHERE id = ? AND NOT EXISTS (SELECT 1 FROM media_refs WHERE media_id = ?)', at, media_id, media_id);
  }
}

/**
 * MediaRecordStore on SQLite. Each write is one synchronous transaction on the store's one
 * connection, so "check, then write" (deleteIfUnreferenced, the pack cap) has nothing in between.
 */
export function createMediaStore(db: Db): MediaRecordStore {
  const load = (id: string) => {
    const row = db.get<MediaRow>('SELECT * FROM media WHERE id = ?', id);
    return row === undefined ? null : toMedia(row);
  };

  /** The packs with these ids, in this order, with their stickers. */
  const packs = (ids: readonly string[]): StickerPackRecord[] => {
    const rows = db.all<StickerPackRow>('SELECT p.* FROM json_each(?) j JOIN sticker_packs p ON p.id = j.value ORDER BY j.key', json(ids));
    const stickers = db.all<StickerRow>('SELECT * FROM stickers WHERE pack_id IN (SELECT value FROM json_each(?)) ORDER BY position', json(ids));
    return toPacks(rows, stickers);
  };
  const pack = (id: string): StickerPackRecord | null => packs([id])[0] ?? null;

  return {
    async create(record, job) {
      db.write(() => {
        if (db.get('SELECT 1 FROM media WHERE id = ?', record.id) !== undefined) throw new AppError('conflict', 'Media id in use');
        db.run(`INSERT INTO media (${MEDIA_COLUMNS.join(', ')}) VALUES (${MEDIA_COLUMNS.map(() => '?').join(', ')})`, ...mediaValues(record));
        if (job !== null) enqueueJob(db, job);
      });
    },

    get: async (id) => load(id),

    async update(id, patch) {
      const sets = mediaPatch(patch);
      const changed = sets.length === 0 ? db.get('SELECT 1 FROM media WHERE id = ?', id) !== undefined
        : db.run(`UPDATE media SET ${sets.map((s) => `${s.column} = ?`).join(', ')} WHERE id = ?`, ...sets.map((s) => s.value), id).changes === 1;
      if (!changed) throw new AppError('not_found', 'No such media');
      return load(id)!;
    },

    async usage(ownerId) {
      return db.value<number>('SELECT coalesce(sum(size), 0) FROM media WHERE owner_id = ?', ownerId)!;
    },

    async canRead(id, accountId) {
      const readable = db.value<number>(
        `SELECT EXISTS (SELECT 1 FROM media WHERE id = ? AND owner_id = ?)
           OR EXISTS (SELECT 1 FROM stickers WHERE media_id = ?)
           OR EXISTS (
             SELECT 1 FROM media_refs r JOIN memberships ms ON ms.conversation_id = r.conversation_id
             WHERE r.media_id = ? AND ms.account_id = ? AND ms.status = 'active' AND r.seq >= ms.joined_seq
           )`,
        id, accountId, id, id, accountId,
      );
      return readable === 1;
    },

    async garbage({ orphanedBefore, limit }) {
      const rows = db.all<MediaRow>(
        `SELECT m.* FROM media m
         WHERE ${UNREFERENCED}
           AND (m.released_at IS NOT NULL OR m.created_at < ? OR EXISTS (SELECT 1 FROM accounts a WHERE a.id = m.owner_id AND a.deleted_at IS NOT NULL))
         ORDER BY m.created_at, m.id LIMIT ?`,
        orphanedBefore, limit,
      );
      return rows.map(toMedia);
    },

    async deleteIfUnreferenced(id) {
      return db.run(`DELETE FROM media AS m WHERE m.id = ? AND ${UNREFERENCED}`, id).changes === 1;
    },

    async createPack(p) {
      db.write(() => {
        if (db.get('SELECT 1 FROM sticker_packs WHERE id = ?', p.id) !== undefined) throw new AppError('conflict', 'Sticker pack id in use');
        db.run('INSERT INTO sticker_packs (id, owner_id, title, created_at) VALUES (?, ?, ?, ?)', p.id, p.ownerId, p.title, p.createdAt);
      });
      return pack(p.id)!;
    },

    getPack: async (id) => pack(id),

    async addSticker(packId, sticker, cap) {
      db.write(() => {
        if (db.get('SELECT 1 FROM sticker_packs WHERE id = ?', packId) === undefined) throw new AppError('not_found', 'No such sticker pack');
        if (db.get('SELECT 1 FROM media WHERE id = ?', sticker.mediaId) === undefined) throw new AppError('not_found', 'No such media');
        if (db.get('SELECT 1 FROM stickers WHERE pack_id = ? AND media_id = ?', packId, sticker.mediaId) !== undefined) throw new AppError('conflict', 'Already in the pack');
        const { n, last } = db.get<{ n: number; last: number }>('SELECT count(*) AS n, coalesce(max(position), 0) AS last FROM stickers WHERE pack_id = ?', packId)!;
        if (n >= cap) throw new AppError('group_full', `A sticker pack holds at most ${cap} stickers`);
        db.run('INSERT INTO stickers (pack_id, media_id, emoji, added_at, position) VALUES (?, ?, ?, ?, ?)', packId, sticker.mediaId, sticker.emoji, sticker.addedAt, last + 1);
      });
      return pack(packId)!;
    },

    async removeSticker(packId, mediaId) {
      return db.run('DELETE FROM stickers WHERE pack_id = ? AND media_id = ?', packId, mediaId).changes === 1;
    },

    async listPacks(accountId) {
      const ids = db.all<{ id: string }>(
        `SELECT pack_id AS id FROM (
           SELECT id AS pack_id, created_at AS at FROM sticker_packs WHERE owner_id = ?
           UNION ALL
           SELECT pack_id, installed_at FROM sticker_installs WHERE account_id = ?
         ) GROUP BY pack_id ORDER BY min(at), pack_id`,
        accountId, accountId,
      );
      return packs(ids.map((r) => r.id));
    },

    async installPack(accountId, packId, at) {
      db.write(() => {
        if (db.get('SELECT 1 FROM sticker_packs WHERE id = ?', packId) === undefined) throw new AppError('not_found', 'No such sticker pack');
        db.run('INSERT OR IGNORE INTO sticker_installs (account_id, pack_id, installed_at) VALUES (?, ?, ?)', accountId, packId, at);
      });
    },

    async uninstallPack(accountId, packId) {
      db.run('DELETE FROM sticker_installs WHERE account_id = ? AND pack_id = ?', accountId, packId);
    },
  };
}

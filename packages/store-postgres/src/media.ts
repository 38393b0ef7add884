import { isMediaContent, type Content } from '@ottr/protocol';
import { AppError, type MediaRecordStore, type StickerPackRecord } from '@ottr/server';
import { MEDIA_COLUMNS, mediaPatch, mediaValues, toMedia, toPacks, type MediaRow, type StickerPackRow, type StickerRow } from '@ottr/server/storage-kit';
import { sqlState, type Conn, type Db } from './db.js';
import { enqueueJob } from './jobs.js';

/** Nothing references the media row `m`: no message, no pack. */
const UNREFERENCED = 'NOT EXISTS (SELECT FROM media_refs r WHERE r.media_id = m.id) AND NOT EXISTS (SELECT FROM stickers s WHERE s.media_id = m.id)';

/**
 * For events.append (a savepoint operation): a message with media content references that
 * media, and takes back a release (the object is in use again). A mediaId without a record
 * (the server never sends one) references nothing. The foreign key waits for a concurrent
 * deleteIfUnreferenced of the object, and fails when it deleted it: `media_not_found`.
 */
export async function referenceMedia(c: Conn, content: Content, message: { id: string; conversationId: string; seq: number }): Promise<void> {
  if (!isMediaContent(content)) return;
  try {
    await c.run(
      `WITH r AS (
         INSERT INTO media_refs (media_id, message_id, conversation_id, seq) SELECT id, $2, $3, $4 FROM media WHERE id = $1 RETURNING media_id
       )
       UPDATE media SET released_at = NULL WHERE id IN (SELECT media_id FROM r) AND released_at IS NOT NULL`,
      content.mediaId, message.id, message.conversationId, message.seq,
    );
  } catch (error) {
    if (sqlState(error) === '23503') throw new AppError('media_not_found', `media ${content.mediaId} was deleted`);
    throw error;
  }
}

/**
 * For a message delete: drops its references; media it referenced last are released at `at`.
 * The media rows are locked first (in id order) so that two deletes of the last two messages
 * referencing one object take turns, and the second sees the first's reference gone.
 */
export async function dropReferences(c: Conn, messageId: string, at: number): Promise<void> {
  const ids = (await c.rows<{ media_id: string }>('SELECT media_id FROM media_refs WHERE message_id = $1', messageId)).map((r) => r.media_id);
  if (ids.length === 0) return;
  await c.run('SELECT FROM media WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE', ids);
  await c.run('DELETE FROM media_refs WHERE message_id = $1', messageId);
  await c.run('UPDATE media m SET released_at = $2 WHERE id = ANY($1::text[]) AND NOT EXISTS (SELECT FROM media_refs r WHERE r.media_id = m.id)', ids, at);
}

/** The packs with these ids, in this order, with their stickers. */
async function packs(c: Conn, ids: readonly string[]): Promise<StickerPackRecord[]> {
  const rows = await c.rows<StickerPackRow>(
    'SELECT p.* FROM unnest($1::text[]) WITH ORDINALITY AS x (id, n) JOIN sticker_packs p ON p.id = x.id ORDER BY x.n',
    ids,
  );
  const stickers = await c.rows<StickerRow>('SELECT * FROM stickers WHERE pack_id = ANY($1::text[]) ORDER BY position', ids);
  return toPacks(rows, stickers);
}

const pack = async (c: Conn, id: string): Promise<StickerPackRecord | null> => (await packs(c, [id]))[0] ?? null;

/**
 * MediaRecordStore on PostgreSQL. Checks that must hold at the write (the pack cap, "still
 * unreferenced") lock the row they are about first, so that concurrent writers take turns.
 */
export function createMediaStore(db: Db): MediaRecordStore {
  const load = async (c: Conn, id: string) => {
    const row = await c.row<MediaRow>('SELECT * FROM media WHERE id = $1', id);
    return row === undefined ? null : toMedia(row);
  };

  return {
    async create(record, job) {
      await db.tx(async (c) => {
        const n = await c.run(
          `INSERT INTO media (${MEDIA_COLUMNS.join(', ')}) VALUES (${MEDIA_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT (id) DO NOTHING`,
          ...mediaValues(record),
        );
        if (n === 0) throw new AppError('conflict', 'Media id in use');
        if (job !== null) await enqueueJob(c, job);
      });
    },

    get: (id) => load(db, id),

    async update(id, patch) {
      const sets = mediaPatch(patch);
      const row = sets.length === 0
        ? await db.row<MediaRow>('SELECT * FROM media WHERE id = $1', id)
        : await db.row<MediaRow>(
          `UPDATE media SET ${sets.map((s, i) => `${s.column} = $${i + 2}`).join(', ')} WHERE id = $1 RETURNING *`,
          id, ...sets.map((s) => s.value),
        );
      if (row === undefined) throw new AppError('not_found', 'No such media');
      return toMedia(row);
    },

    async usage(ownerId) {
      return (await db.value<number>('SELECT coalesce(sum(size), 0)::bigint FROM media WHERE owner_id = $1', ownerId))!;
    },

    async canRead(id, accountId) {
      const readable = await db.value<boolean>(
        `SELECT EXISTS (SELECT FROM media WHERE id = $1 AND owner_id = $2)
           OR EXISTS (SELECT FROM stickers WHERE media_id = $1)
           OR EXISTS (
             SELECT FROM media_refs r JOIN memberships ms ON ms.conversation_id = r.conversation_id
             WHERE r.media_id = $1 AND ms.account_id = $2 AND ms.status = 'active' AND r.seq >= ms.joined_seq
           )`,
        id, accountId,
      );
      return readable === true;
    },

    async garbage({ orphanedBefore, limit }) {
      const rows = await db.rows<MediaRow>(
        `SELECT m.* FROM media m
         WHERE ${UNREFERENCED}
           AND (m.released_at IS NOT NULL OR m.created_at < $1 OR EXISTS (SELECT FROM accounts a WHERE a.id = m.owner_id AND a.deleted_at IS NOT NULL))
         ORDER BY m.created_at, m.id LIMIT $2`,
        orphanedBefore, limit,
      );
      return rows.map(toMedia);
    },

    /**
     * The row lock waits for transactions inserting a reference (their foreign key check holds
     * a share lock on the row); the DELETE, a later statement, then sees what they committed.
     */
    async deleteIfUnreferenced(id) {
      return db.tx(async (c) => {
        if ((await c.run('SELECT FROM media WHERE id = $1 FOR UPDATE', id)) === 0) return false;
        return (await c.run(`DELETE FROM media m WHERE m.id = $1 AND ${UNREFERENCED}`, id)) === 1;
      });
    },

    async createPack(p) {
      const n = await db.run(
        'INSERT INTO sticker_packs (id, owner_id, title, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING',
        p.id, p.ownerId, p.title, p.createdAt,
      );
      if (n === 0) throw new AppError('conflict', 'Sticker pack id in use');
      return (await pack(db, p.id))!;
    },

    getPack: (id) => pack(db, id),

    async addSticker(packId, sticker, cap) {
      return db.tx(async (c) => {
        // Concurrent adds to one pack take turns here (the cap and the position hold).
        if ((await c.run('SELECT FROM sticker_packs WHERE id = $1 FOR NO KEY UPDATE', packId)) === 0) throw new AppError('not_found', 'No such sticker pack');
        if ((await c.run('SELECT FROM media WHERE id = $1', sticker.mediaId)) === 0) throw new AppError('not_found', 'No such media');
        const { n, present, last } = (await c.row<{ n: number; present: boolean; last: number }>(
          'SELECT count(*)::int AS n, bool_or(media_id = $2) AS present, coalesce(max(position), 0) AS last FROM stickers WHERE pack_id = $1',
          packId, sticker.mediaId,
        ))!;
        if (present === true) throw new AppError('conflict', 'Already in the pack');
        if (n >= cap) throw new AppError('group_full', `A sticker pack holds at most ${cap} stickers`);
        await c.run(
          'INSERT INTO stickers (pack_id, media_id, emoji, added_at, position) VALUES ($1, $2, $3, $4, $5)',
          packId, sticker.mediaId, sticker.emoji, sticker.addedAt, last + 1,
        );
        return (await pack(c, packId))!;
      });
    },

    async removeSticker(packId, mediaId) {
      return (await db.run('DELETE FROM stickers WHERE pack_id = $1 AND media_id = $2', packId, mediaId)) === 1;
    },

    async listPacks(accountId) {
      const ids = await db.rows<{ id: string }>(
        `SELECT pack_id AS id FROM (
           SELECT id AS pack_id, created_at AS at FROM sticker_packs WHERE owner_id = $1
           UNION ALL
           SELECT pack_id, installed_at FROM sticker_installs WHERE account_id = $1
         ) x GROUP BY pack_id ORDER BY min(at), pack_id`,
        accountId,
      );
      return packs(db, ids.map((r) => r.id));
    },

    async installPack(accountId, packId, at) {
      const n = await db.run(
        'INSERT INTO sticker_installs (account_id, pack_id, installed_at) SELECT $1, id, $3 FROM sticker_packs WHERE id = $2 ON CONFLICT DO NOTHING',
        accountId, packId, at,
      );
      if (n === 0 && (await db.run('SELECT FROM sticker_packs WHERE id = $1', packId)) === 0) throw new AppError('not_found', 'No such sticker pack');
    },

    async uninstallPack(accountId, packId) {
      await db.run('DELETE FROM sticker_installs WHERE account_id = $1 AND pack_id = $2', accountId, packId);
    },
  };
}

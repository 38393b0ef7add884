import type { AccountId } from '@ottr/protocol';
import { AppError, type AccountListItem, type AccountStore } from '@ottr/server';
import { decodeCursor, isInt, isObj, isStr, pageOf, PATCH_COLUMNS, toAccount, type AccountRow } from '@ottr/server/storage-kit';
import { violated, type Db, type Param } from './db.js';
import { dropAccountPush } from './push.js';

/** list position: createdAt and id of the last account listed. */
interface ListCursor {
  t: number;
  id: string;
}
const isListCursor = (c: unknown): c is ListCursor => isObj(c) && isInt(c.t) && isStr(c.id);

export function createAccountStore(db: Db): AccountStore {
  const load = async (id: string) => {
    const row = await db.row<AccountRow>('SELECT * FROM accounts WHERE id = $1', id);
    return row === undefined ? null : toAccount(row);
  };

  return {
    async create(a) {
      try {
        await db.run(
          `INSERT INTO accounts (id, phone, email, display_name, about, avatar, presence_privacy, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          a.id, a.phone, a.email, a.displayName, a.about, a.avatar, a.presencePrivacy, a.createdAt,
        );
      } catch (e) {
        // Phone and email are UNIQUE; a deleted account has neither any more.
        if (/^accounts_(phone|email)_key$/.test(violated(e) ?? '')) throw new AppError('conflict', 'Identifier in use');
        throw e;
      }
      return (await load(a.id))!;
    },

    get: (id) => load(id),

    async getMany(ids) {
      return (await db.rows<AccountRow>('SELECT * FROM accounts WHERE id = ANY($1::text[])', ids)).map(toAccount);
    },

    async findByIdentifier(kind, value) {
      const row = await db.row<AccountRow>(`SELECT * FROM accounts WHERE ${kind === 'phone' ? 'phone' : 'email'} = $1 AND deleted_at IS NULL`, value);
      return row === undefined ? null : toAccount(row);
    },

    async update(id, patch) {
      const sets: string[] = [];
      const args: Param[] = [id];
      for (const key of Object.keys(PATCH_COLUMNS) as (keyof typeof PATCH_COLUMNS)[]) {
        const value = patch[key];
        if (value === undefined) continue;
        args.push(value);
        sets.push(`${PATCH_COLUMNS[key]} = $${args.length}`);
      }
      const row = sets.length === 0
        ? await db.row<AccountRow>('SELECT * FROM accounts WHERE id = $1 AND deleted_at IS NULL', id)
        : await db.row<AccountRow>(`UPDATE accounts SET ${sets.join(', ')} WHERE id = $1 AND deleted_at IS NULL RETURNING *`, ...args);
      if (row === undefined) throw new AppError('not_found', 'No such account');
      return toAccount(row);
    },

    async setLastSeen(id, at) {
      await db.run('UPDATE accounts SET last_seen_at = $1 WHERE id = $2', at, id);
    },

    async setSuspended(id, at) {
      const row = await db.row<AccountRow>('UPDATE accounts SET suspended_at = $1 WHERE id = $2 AND deleted_at IS NULL RETURNING *', at, id);
      if (row === undefined) throw new AppError('not_found', 'No such account');
      return toAccount(row);
    },

    async list(options) {
      const conds: string[] = [];
      const args: Param[] = [];
      const q = options.q;
      if (q !== undefined) {
        args.push(q.value);
        conds.push(q.kind === 'id' ? 'a.id = $1' : `a.${q.kind} = $1 AND a.deleted_at IS NULL`);
      }
      if (options.cursor !== undefined) {
        const c = decodeCursor(options.cursor, isListCursor);
        args.push(c.t, c.id);
        conds.push(`(a.created_at, a.id) < ($${args.length - 1}, $${args.length})`);
      }
      args.push(options.limit + 1);
      const rows = await db.rows<AccountRow & { devices: number }>(
        `SELECT a.*, (SELECT count(*) FROM devices d WHERE d.account_id = a.id AND d.revoked_at IS NULL) AS devices
         FROM accounts a ${conds.length > 0 ? `WHERE ${conds.join(' AND ')}` : ''}
         ORDER BY a.created_at DESC, a.id DESC LIMIT $${args.length}`,
        ...args,
      );
      const { page, next } = pageOf(rows, options.limit, (last) => ({ t: last.created_at, id: last.id }));
      return {
        items: page.map((r): AccountListItem => ({ ...toAccount(r), devices: r.devices })),
        next,
      };
    },

    async markDeleted(id, at) {
      await db.tx(async (c) => {
        const n = await c.run(
          `UPDATE accounts SET phone = NULL, email = NULL, display_name = 'Deleted account', about = '', avatar = NULL,
             deleted_at = coalesce(deleted_at, $1) WHERE id = $2`,
          at, id,
        );
        if (n === 0) throw new AppError('not_found', 'No such account');
        await c.run('UPDATE devices SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL', at, id);
        await c.run('DELETE FROM tokens WHERE device_id IN (SELECT id FROM devices WHERE account_id = $1)', id);
        await c.run('DELETE FROM blocks WHERE blocker = $1 OR blocked = $1', id);
        await dropAccountPush(c, id);
      });
    },

    async block(blocker, blocked, at) {
      await db.run('INSERT INTO blocks (blocker, blocked, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', blocker, blocked, at);
    },

    async unblock(blocker, blocked) {
      await db.run('DELETE FROM blocks WHERE blocker = $1 AND blocked = $2', blocker, blocked);
    },

    async listBlocked(blocker) {
      return (await db.rows<{ blocked: AccountId }>('SELECT blocked FROM blocks WHERE blocker = $1 ORDER BY created_at, blocked', blocker)).map((r) => r.blocked);
    },

    async directBarriers(from, peer) {
      // Prepared (parsed and planned once per connection): every direct send asks.
      const row = (await db.prepared<{ gone: boolean; blocked: boolean }>(
        'ottr_direct_barriers',
        `SELECT NOT EXISTS (SELECT 1 FROM accounts WHERE id = $2 AND deleted_at IS NULL) AS gone,
                EXISTS (SELECT 1 FROM blocks WHERE (blocker = $1 AND blocked = $2) OR (blocker = $2 AND blocked = $1)) AS blocked`,
        from, peer,
      )).rows[0]!;
      return { peerGone: row.gone, blocked: row.blocked };
    },

    async isBlockedEitherWay(a, b) {
      return (await db.row('SELECT 1 FROM blocks WHERE (blocker = $1 AND blocked = $2) OR (blocker = $2 AND blocked = $1)', a, b)) !== undefined;
    },
  };
}

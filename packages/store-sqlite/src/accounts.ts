import type { AccountId } from '@ottr/protocol';
import { AppError, type AccountListItem, type AccountStore } from '@ottr/server';
import Database from 'better-sqlite3';
import { decodeCursor, isInt, isObj, isStr, pageOf, PATCH_COLUMNS, toAccount, type AccountRow } from '@ottr/server/storage-kit';
import { json, type Db, type Param } from './db.js';
import { dropAccountPush } from './push.js';

/** Admin list position: creation time and id of the last account listed (the list runs newest first). */
interface ListCursor {
  c: number;
  i: string;
}
const isListCursor = (c: unknown): c is ListCursor => isObj(c) && isInt(c.c) && isStr(c.i);

const QUERY_CONDITIONS = { id: 'id = ?', phone: 'phone = ? AND deleted_at IS NULL', email: 'email = ? AND deleted_at IS NULL' } as const;

export function createAccountStore(db: Db): AccountStore {
  const load = (id: string) => {
    const row = db.get<AccountRow>('SELECT * FROM accounts WHERE id = ?', id);
    return row === undefined ? null : toAccount(row);
  };

  return {
    async create(a) {
      try {
        db.run(
          `INSERT INTO accounts (id, phone, email, display_name, about, avatar, presence_privacy, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          a.id, a.phone, a.email, a.displayName, a.about, a.avatar, a.presencePrivacy, a.createdAt,
        );
      } catch (e) {
        // Phone and email are UNIQUE; a deleted account has neither any more.
        if (e instanceof Database.SqliteError && /accounts\.(phone|email)/.test(e.message)) throw new AppError('conflict', 'Identifier in use');
        throw e;
      }
      return load(a.id)!;
    },

    get: async (id) => load(id),

    async getMany(ids) {
      return db.all<AccountRow>('SELECT * FROM accounts WHERE id IN (SELECT value FROM json_each(?))', json(ids)).map(toAccount);
    },

    async findByIdentifier(kind, value) {
      const row = db.get<AccountRow>(`SELECT * FROM accounts WHERE ${kind === 'phone' ? 'phone' : 'email'} = ? AND deleted_at IS NULL`, value);
      return row === undefined ? null : toAccount(row);
    },

    async update(id, patch) {
      const sets: string[] = [];
      const args: Param[] = [];
      for (const key of Object.keys(PATCH_COLUMNS) as (keyof typeof PATCH_COLUMNS)[]) {
        const value = patch[key];
        if (value === undefined) continue;
        sets.push(`${PATCH_COLUMNS[key]} = ?`);
        args.push(value);
      }
      const changed = sets.length === 0 ? db.get('SELECT 1 FROM accounts WHERE id = ? AND deleted_at IS NULL', id) !== undefined
        : db.run(`UPDATE accounts SET ${sets.join(', ')} WHERE id = ? AND deleted_at IS NULL`, ...args, id).changes === 1;
      if (!changed) throw new AppError('not_found', 'No such account');
      return load(id)!;
    },

    async setLastSeen(id, at) {
      db.run('UPDATE accounts SET last_seen_at = ? WHERE id = ?', at, id);
    },

    async setSuspended(id, at) {
      if (db.run('UPDATE accounts SET suspended_at = ? WHERE id = ? AND deleted_at IS NULL', at, id).changes !== 1) {
        throw new AppError('not_found', 'No such account');
      }
      return load(id)!;
    },

    async list({ cursor, limit, q }) {
      const conds: string[] = [];
      const args: Param[] = [];
      if (q !== undefined) {
        conds.push(QUERY_CONDITIONS[q.kind]);
        args.push(q.value);
      }
      if (cursor !== undefined) {
        const c = decodeCursor(cursor, isListCursor);
        conds.push('(created_at, id) < (?, ?)'); // a row value: SQLite seeks the index to it
        args.push(c.c, c.i);
      }
      const rows = db.all<AccountRow & { devices: number }>(
        `SELECT *, (SELECT count(*) FROM devices d WHERE d.account_id = accounts.id AND d.revoked_at IS NULL) AS devices
         FROM accounts ${conds.length > 0 ? `WHERE ${conds.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`,
        ...args, limit + 1,
      );
      const { page, next } = pageOf(rows, limit, (last) => ({ c: last.created_at, i: last.id }));
      return {
        items: page.map((r): AccountListItem => ({ ...toAccount(r), devices: r.devices })),
        next,
      };
    },

    async markDeleted(id, at) {
      db.write(() => {
        const n = db.run(
          `UPDATE accounts SET phone = NULL, email = NULL, display_name = 'Deleted account', about = '', avatar = NULL,
             deleted_at = coalesce(deleted_at, ?) WHERE id = ?`,
          at, id,
        ).changes;
        if (n === 0) throw new AppError('not_found', 'No such account');
        db.run('UPDATE devices SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL', at, id);
        db.run('DELETE FROM tokens WHERE device_id IN (SELECT id FROM devices WHERE account_id = ?)', id);
        db.run('DELETE FROM blocks WHERE blocker = ? OR blocked = ?', id, id);
        dropAccountPush(db, id);
      });
    },

    async block(blocker, blocked, at) {
      db.run('INSERT OR IGNORE INTO blocks (blocker, blocked, created_at) VALUES (?, ?, ?)', blocker, blocked, at);
    },

    async unblock(blocker, blocked) {
      db.run('DELETE FROM blocks WHERE blocker = ? AND blocked = ?', blocker, blocked);
    },

    async listBlocked(blocker) {
      return db.all<{ blocked: AccountId }>('SELECT blocked FROM blocks WHERE blocker = ? ORDER BY created_at, blocked', blocker).map((r) => r.blocked);
    },

    async directBarriers(from, peer) {
      const row = db.get<{ gone: number; blocked: number }>(
        `SELECT NOT EXISTS (SELECT 1 FROM accounts WHERE id = ? AND deleted_at IS NULL) AS gone,
                EXISTS (SELECT 1 FROM blocks WHERE (blocker = ? AND blocked = ?) OR (blocker = ? AND blocked = ?)) AS blocked`,
        peer, from, peer, peer, from,
      )!;
      return { peerGone: row.gone === 1, blocked: row.blocked === 1 };
    },

    async isBlockedEitherWay(a, b) {
      return db.get('SELECT 1 FROM blocks WHERE (blocker = ? AND blocked = ?) OR (blocker = ? AND blocked = ?)', a, b, b, a) !== undefined;
    },
  };
}

import type { AccountId, NotificationSettings } from '@ottr/protocol';
import { DEFAULT_NOTIFICATION_SETTINGS, type NewJob, type PushStore } from '@ottr/server';
import { toNotificationSettings, toPushTarget, type NotificationSettingsRow, type PushTargetRow } from '@ottr/server/storage-kit';
import { json, sqlState, type Conn, type Db } from './db.js';
import { enqueueJob } from './jobs.js';

/** For an account's deletion, in its transaction: its targets, settings and notified state go. */
export async function dropAccountPush(c: Conn, accountId: string): Promise<void> {
  await c.run('DELETE FROM push_targets WHERE account_id = $1', accountId);
  await c.run('DELETE FROM notification_settings WHERE account_id = $1', accountId);
  await c.run('DELETE FROM push_state WHERE account_id = $1', accountId);
}

/** Tries of a putTarget chosen as a deadlock's victim (see putTarget). */
const PUT_TRIES = 3;

/**
 * PushStore on PostgreSQL. notify and clear are one conditional statement each (the row lock
 * of the upsert or update makes concurrent calls take turns, and each re-checks the condition
 * on the row the other committed), with their jobs in the same transaction.
 */
export function createPushStore(db: Db): PushStore {
  const enqueue = async (c: Conn, jobs: readonly NewJob[]) => {
    for (const j of jobs) await enqueueJob(c, j);
  };

  /** Moves the member's row with `sql` (one statement) and, when it moved, enqueues `jobs` in the same transaction. */
  const moveWithJobs = (sql: string, params: (string | number)[], jobs: readonly NewJob[]): Promise<boolean> =>
    db.tx(async (c) => {
      const moved = (await c.run(sql, ...params)) === 1;
      if (moved) await enqueue(c, jobs);
      return moved;
    });

  return {
    async putTarget(t, at) {
      // The address is unique per kind (push_targets_address). Registrations of one address take
      // turns on a transaction lock of the address, so each deletes what the previous one wrote.
      // (Two devices swapping two addresses at the same moment can deadlock: the victim tries again.)
      for (let tries = 1; ; tries++) {
        try {
          return await db.tx(async (c) => {
            await c.run('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', `push:${t.kind}:${t.address}`);
            await c.run('DELETE FROM push_targets WHERE kind = $1 AND md5(address) = md5($2) AND address = $2 AND device_id <> $3', t.kind, t.address, t.deviceId);
            const row = await c.row<PushTargetRow>(
              `INSERT INTO push_targets (device_id, kind, account_id, address, params, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)
               ON CONFLICT (device_id, kind) DO UPDATE SET account_id = excluded.account_id, address = excluded.address, params = excluded.params,
                 updated_at = excluded.updated_at
               RETURNING *`,
              t.deviceId, t.kind, t.accountId, t.address, json(t.params), at,
            );
            return toPushTarget(row!);
          });
        } catch (error) {
          if (tries < PUT_TRIES && sqlState(error) === '40P01') continue;
          throw error;
        }
      }
    },

    async deleteTarget(deviceId, kind) {
      return (await db.run('DELETE FROM push_targets WHERE device_id = $1 AND kind = $2', deviceId, kind)) === 1;
    },

    async pruneTarget(deviceId, kind, address) {
      return (await db.run('DELETE FROM push_targets WHERE device_id = $1 AND kind = $2 AND address = $3', deviceId, kind, address)) === 1;
    },

    async getTarget(deviceId, kind) {
      const row = await db.row<PushTargetRow>('SELECT * FROM push_targets WHERE device_id = $1 AND kind = $2', deviceId, kind);
      return row === undefined ? null : toPushTarget(row);
    },

    async listTargets(accountIds) {
      if (accountIds.length === 0) return [];
      const rows = await db.rows<PushTargetRow>(
        `SELECT t.* FROM push_targets t JOIN devices d ON d.id = t.device_id
         WHERE t.account_id = ANY($1::text[]) AND d.revoked_at IS NULL
         ORDER BY t.account_id, t.device_id, t.kind`,
        accountIds,
      );
      return rows.map(toPushTarget);
    },

    async hasTargets(conversationId, except) {
      const row = await db.row<{ found: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM memberships m JOIN push_targets t ON t.account_id = m.account_id JOIN devices d ON d.id = t.device_id
         WHERE m.conversation_id = $1 AND m.status = 'active' AND m.account_id <> $2 AND d.revoked_at IS NULL) AS found`,
        conversationId, except,
      );
      return row!.found;
    },

    async getSettings(accountId) {
      return toNotificationSettings(await db.row<NotificationSettingsRow>('SELECT * FROM notification_settings WHERE account_id = $1', accountId));
    },

    async getSettingsMany(accountIds) {
      const rows = accountIds.length === 0 ? [] : await db.rows<NotificationSettingsRow>('SELECT * FROM notification_settings WHERE account_id = ANY($1::text[])', accountIds);
      const found = new Map(rows.map((r) => [r.account_id, r]));
      return new Map(accountIds.map((id): [AccountId, NotificationSettings] => [id, toNotificationSettings(found.get(id))]));
    },

    async updateSettings(accountId, patch) {
      // One statement: a first row is the defaults with the patch; an existing row changes the patched columns only.
      const first: NotificationSettings = {
        privacy: patch.privacy ?? DEFAULT_NOTIFICATION_SETTINGS.privacy,
        mentionsBreakMute: patch.mentionsBreakMute ?? DEFAULT_NOTIFICATION_SETTINGS.mentionsBreakMute,
        dnd: patch.dnd ?? DEFAULT_NOTIFICATION_SETTINGS.dnd,
      };
      const row = await db.row<NotificationSettingsRow>(
        `INSERT INTO notification_settings (account_id, privacy, mentions_break_mute, dnd) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id) DO UPDATE SET
           privacy = CASE WHEN $5::boolean THEN excluded.privacy ELSE notification_settings.privacy END,
           mentions_break_mute = CASE WHEN $6::boolean THEN excluded.mentions_break_mute ELSE notification_settings.mentions_break_mute END,
           dnd = CASE WHEN $7::boolean THEN excluded.dnd ELSE notification_settings.dnd END
         RETURNING *`,
        accountId, first.privacy, first.mentionsBreakMute, first.dnd === null ? null : json(first.dnd),
        patch.privacy !== undefined, patch.mentionsBreakMute !== undefined, patch.dnd !== undefined,
      );
      return toNotificationSettings(row);
    },

    async notify(accountId, conversationId, seq, jobs, now) {
      if (seq < 1) return false;
      return moveWithJobs(
        `INSERT INTO push_state (account_id, conversation_id, notified_seq, cleared_seq, updated_at) VALUES ($1, $2, $3, 0, $4)
         ON CONFLICT (account_id, conversation_id) DO UPDATE SET notified_seq = excluded.notified_seq, updated_at = excluded.updated_at
         WHERE push_state.notified_seq < excluded.notified_seq`,
        [accountId, conversationId, seq, now],
        jobs,
      );
    },

    async clear(accountId, conversationId, readSeq, jobs, now) {
      return moveWithJobs(
        `UPDATE push_state SET cleared_seq = notified_seq, updated_at = $4
         WHERE account_id = $1 AND conversation_id = $2 AND notified_seq > cleared_seq AND notified_seq <= $3`,
        [accountId, conversationId, readSeq, now],
        jobs,
      );
    },

    async state(accountId, conversationId) {
      const row = await db.row<{ notified_seq: number; cleared_seq: number }>(
        'SELECT notified_seq, cleared_seq FROM push_state WHERE account_id = $1 AND conversation_id = $2', accountId, conversationId,
      );
      return { notifiedSeq: row?.notified_seq ?? 0, clearedSeq: row?.cleared_seq ?? 0 };
    },

    async unreadTotal(accountId) {
      // As views.ts counts one conversation's unread, over every active membership in one query
      // (memberships by account, then each conversation's events by seq: both indexed).
      const n = await db.value<number>(
        `SELECT count(*) FROM memberships m JOIN events e ON e.conversation_id = m.conversation_id AND e.seq > greatest(m.read_seq, m.joined_seq - 1)
         WHERE m.account_id = $1 AND m.status = 'active' AND e.type = 'message' AND e.deleted_at IS NULL AND e.sender IS DISTINCT FROM m.account_id`,
        accountId,
      );
      return n ?? 0;
    },
  };
}

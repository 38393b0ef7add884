import type { AccountId, NotificationSettings } from '@ottr/protocol';
import type { NewJob, PushStore } from '@ottr/server';
import { toNotificationSettings, toPushTarget, type NotificationSettingsRow, type PushTargetRow } from '@ottr/server/storage-kit';
import { bool, json, type Db } from './db.js';
import { enqueueJob } from './jobs.js';

/** A notification_settings row as SQLite gives it: the flag as 0/1. */
type SettingsRow = Omit<NotificationSettingsRow, 'mentions_break_mute'> & { mentions_break_mute: number };

const toSettings = (r: SettingsRow | undefined): NotificationSettings =>
  toNotificationSettings(r === undefined ? undefined : { ...r, mentions_break_mute: r.mentions_break_mute === 1 });

/** For a device revoke, in its transaction: a revoked device keeps no push target. */
export function dropDeviceTargets(db: Db, deviceId: string): void {
  db.run('DELETE FROM push_targets WHERE device_id = ?', deviceId);
}

/** For an account's deletion, in its transaction: its targets, settings and notified state go. */
export function dropAccountPush(db: Db, accountId: string): void {
  db.run('DELETE FROM push_targets WHERE account_id = ?', accountId);
  db.run('DELETE FROM notification_settings WHERE account_id = ?', accountId);
  db.run('DELETE FROM push_state WHERE account_id = ?', accountId);
}

/**
 * PushStore on SQLite. Each write is one synchronous transaction on the store's one connection,
 * so a notify or clear checks and moves its row, and enqueues its jobs, with nothing in between.
 */
export function createPushStore(db: Db): PushStore {
  const enqueue = (jobs: readonly NewJob[]) => {
    for (const j of jobs) enqueueJob(db, j);
  };

  return {
    async putTarget(t, at) {
      return db.write(() => {
        db.run('DELETE FROM push_targets WHERE kind = ? AND address = ? AND device_id <> ?', t.kind, t.address, t.deviceId);
        const row = db.get<PushTargetRow>(
          `INSERT INTO push_targets (device_id, kind, account_id, address, params, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (device_id, kind) DO UPDATE SET account_id = excluded.account_id, address = excluded.address, params = excluded.params,
             updated_at = excluded.updated_at
           RETURNING *`,
          t.deviceId, t.kind, t.accountId, t.address, json(t.params), at, at,
        )!;
        return toPushTarget(row);
      });
    },

    async deleteTarget(deviceId, kind) {
      return db.run('DELETE FROM push_targets WHERE device_id = ? AND kind = ?', deviceId, kind).changes === 1;
    },

    async pruneTarget(deviceId, kind, address) {
      return db.run('DELETE FROM push_targets WHERE device_id = ? AND kind = ? AND address = ?', deviceId, kind, address).changes === 1;
    },

    async getTarget(deviceId, kind) {
      const row = db.get<PushTargetRow>('SELECT * FROM push_targets WHERE device_id = ? AND kind = ?', deviceId, kind);
      return row === undefined ? null : toPushTarget(row);
    },

    async listTargets(accountIds) {
      const rows = db.all<PushTargetRow>(
        `SELECT t.* FROM push_targets t JOIN devices d ON d.id = t.device_id
         WHERE t.account_id IN (SELECT value FROM json_each(?)) AND d.revoked_at IS NULL
         ORDER BY t.account_id, t.device_id, t.kind`,
        json(accountIds),
      );
      return rows.map(toPushTarget);
    },

    async hasTargets(conversationId, except) {
      return (
        db.value<number>(
          `SELECT EXISTS (SELECT 1 FROM memberships m JOIN push_targets t ON t.account_id = m.account_id JOIN devices d ON d.id = t.device_id
           WHERE m.conversation_id = ? AND m.status = 'active' AND m.account_id <> ? AND d.revoked_at IS NULL)`,
          conversationId, except,
        ) === 1
      );
    },

    async getSettings(accountId) {
      return toSettings(db.get<SettingsRow>('SELECT * FROM notification_settings WHERE account_id = ?', accountId));
    },

    async getSettingsMany(accountIds) {
      const rows = db.all<SettingsRow>('SELECT * FROM notification_settings WHERE account_id IN (SELECT value FROM json_each(?))', json(accountIds));
      const found = new Map(rows.map((r) => [r.account_id, r]));
      return new Map(accountIds.map((id): [AccountId, NotificationSettings] => [id, toSettings(found.get(id))]));
    },

    async updateSettings(accountId, patch) {
      return db.write(() => {
        const current = toSettings(db.get<SettingsRow>('SELECT * FROM notification_settings WHERE account_id = ?', accountId));
        const next: NotificationSettings = {
          privacy: patch.privacy ?? current.privacy,
          mentionsBreakMute: patch.mentionsBreakMute ?? current.mentionsBreakMute,
          dnd: patch.dnd === undefined ? current.dnd : patch.dnd,
        };
        db.run(
          'INSERT OR REPLACE INTO notification_settings (account_id, privacy, mentions_break_mute, dnd) VALUES (?, ?, ?, ?)',
          accountId, next.privacy, bool(next.mentionsBreakMute), next.dnd === null ? null : json(next.dnd),
        );
        return next;
      });
    },

    async notify(accountId, conversationId, seq, jobs, now) {
      if (seq < 1) return false;
      return db.write(() => {
        const moved = db.run(
          `INSERT INTO push_state (account_id, conversation_id, notified_seq, cleared_seq, updated_at) VALUES (?, ?, ?, 0, ?)
           ON CONFLICT (account_id, conversation_id) DO UPDATE SET notified_seq = excluded.notified_seq, updated_at = excluded.updated_at
           WHERE notified_seq < excluded.notified_seq`,
          accountId, conversationId, seq, now,
        ).changes === 1;
        if (moved) enqueue(jobs);
        return moved;
      });
    },

    async clear(accountId, conversationId, readSeq, jobs, now) {
      return db.write(() => {
        const done = db.run(
          `UPDATE push_state SET cleared_seq = notified_seq, updated_at = ?
           WHERE account_id = ? AND conversation_id = ? AND notified_seq > cleared_seq AND notified_seq <= ?`,
          now, accountId, conversationId, readSeq,
        ).changes === 1;
        if (done) enqueue(jobs);
        return done;
      });
    },

    async state(accountId, conversationId) {
      const row = db.get<{ notified_seq: number; cleared_seq: number }>(
        'SELECT notified_seq, cleared_seq FROM push_state WHERE account_id = ? AND conversation_id = ?', accountId, conversationId,
      );
      return { notifiedSeq: row?.notified_seq ?? 0, clearedSeq: row?.cleared_seq ?? 0 };
    },

    async unreadTotal(accountId) {
      // As views.ts counts one conversation's unread, over every active membership in one query
      // (memberships by account, then each conversation's events by seq: both indexed).
      return db.value<number>(
        `SELECT count(*) FROM memberships m JOIN events e ON e.conversation_id = m.conversation_id AND e.seq > max(m.read_seq, m.joined_seq - 1)
         WHERE m.account_id = ? AND m.status = 'active' AND e.type = 'message' AND e.deleted_at IS NULL AND e.sender IS NOT m.account_id`,
        accountId,
      )!;
    },
  };
}

import type { AccountId, ConversationEvent } from '@ottr/protocol';
import { AppError } from '@ottr/server';
import { decodeCursor, isMembersCursor, movePointers, pageOf, type ConversationRow, type MembershipOps } from '@ottr/server/storage-kit';
import { bool, json, type Db, type Param } from './db.js';
import { activateMember, appendSystemEvent } from './system-events.js';
import { toMembership, VIEW_FROM, type MembershipRow, type ViewRow } from './views.js';
import type { Writer } from './writer.js';

export function createMembershipOps(db: Db, writer: Writer): MembershipOps {
  const membership = (id: string, accountId: string) =>
    db.get<MembershipRow>('SELECT * FROM memberships WHERE conversation_id = ? AND account_id = ?', id, accountId);
  const active = (id: string, accountId: string): MembershipRow => {
    const m = membership(id, accountId);
    if (m?.status !== 'active') throw new AppError('not_member');
    return m;
  };

  return {
    async getMembership(id, accountId) {
      const m = membership(id, accountId);
      return m === undefined ? null : toMembership(m);
    },

    async listMembers(id, opts) {
      const conds = ["conversation_id = ? AND status = 'active'"];
      const args: Param[] = [id];
      if (opts.cursor !== undefined) {
        const c = decodeCursor(opts.cursor, isMembersCursor);
        conds.push('join_seq >= ? AND (join_seq, account_id) > (?, ?)');
        args.push(c.j, c.j, c.a);
      }
      const rows = db.all<MembershipRow>(`SELECT * FROM memberships WHERE ${conds.join(' AND ')} ORDER BY join_seq, account_id LIMIT ?`, ...args, opts.limit + 1);
      const { page, next } = pageOf(rows, opts.limit, (last) => ({ j: last.join_seq, a: last.account_id }));
      return {
        items: page.map(toMembership),
        next,
      };
    },

    async activeMemberIds(id) {
      return db.all<{ account_id: AccountId }>("SELECT account_id FROM memberships WHERE conversation_id = ? AND status = 'active' ORDER BY join_seq", id).map((r) => r.account_id);
    },

    async addMembers(id, accountIds, role, by, cap, newEventId) {
      return writer.write((tx) => {
        const conv = db.get<ConversationRow>('SELECT * FROM conversations WHERE id = ?', id);
        if (conv === undefined) throw new AppError('not_found', 'No such conversation');
        const present = new Set(
          db
            .all<{ account_id: string }>("SELECT account_id FROM memberships WHERE conversation_id = ? AND status = 'active' AND account_id IN (SELECT value FROM json_each(?))", id, json(accountIds))
            .map((r) => r.account_id),
        );
        const adding = [...new Set(accountIds)].filter((a) => !present.has(a));
        if (cap !== null && conv.member_count + adding.length > cap) throw new AppError('group_full');
        const events: ConversationEvent[] = [];
        for (const accountId of adding) {
          const type = accountId === by.accountId ? 'member_joined' : 'member_added';
          const e = appendSystemEvent(tx, { id: newEventId(), conversationId: id, sender: by.accountId, at: by.at }, type, { accountId, role });
          activateMember(db, tx, id, accountId, role, e.seq, conv.kind === 'channel' ? 1 : e.seq);
          events.push(e);
        }
        return events;
      });
    },

    async removeMember(id, accountId, by, eventId) {
      return writer.write((tx) => {
        active(id, accountId);
        const left = by.accountId === accountId;
        const e = appendSystemEvent(tx, { id: eventId, conversationId: id, sender: by.accountId, at: by.at }, left ? 'member_left' : 'member_removed', { accountId });
        // The member's own row is stamped too: it syncs its end (and the events up to it).
        db.run(
          'UPDATE memberships SET status = ?, left_seq = ?, version = ? WHERE conversation_id = ? AND account_id = ?',
          left ? 'left' : 'removed', e.seq, tx.version, id, accountId,
        );
        db.run('UPDATE conversations SET member_count = member_count - 1 WHERE id = ?', id);
        return e;
      });
    },

    async setRole(id, accountId, role, by, eventId) {
      return writer.write((tx) => {
        active(id, accountId);
        db.run('UPDATE memberships SET role = ? WHERE conversation_id = ? AND account_id = ?', role, id, accountId);
        return appendSystemEvent(tx, { id: eventId, conversationId: id, sender: by.accountId, at: by.at }, 'role_changed', { accountId, role });
      });
    },

    async updateMembership(id, accountId, patch) {
      active(id, accountId);
      const fields: [string, Param][] = [];
      if (patch.muteUntil !== undefined) fields.push(['mute_until', patch.muteUntil]);
      if (patch.archived !== undefined) fields.push(['archived', bool(patch.archived)]);
      if (patch.pinned !== undefined) fields.push(['pinned', bool(patch.pinned)]);
      writer.write((tx) => {
        const sets = [...fields.map(([column]) => `${column} = ?`), 'version = ?'].join(', ');
        db.run(`UPDATE memberships SET ${sets} WHERE conversation_id = ? AND account_id = ?`, ...fields.map(([, v]) => v), tx.version, id, accountId);
      });
      return toMembership(membership(id, accountId)!);
    },

    moveReceipt(id, accountId, kind, seq, notify) {
      // Pointer moves join the group commit with the appends: one fsync for a burst of receipts.
      // The read and the write run inside the batch's transaction: nothing interleaves between them.
      return writer.enqueue(id, (tx) => {
        const row = db.get<ViewRow>(`SELECT c.*, m.* FROM ${VIEW_FROM} WHERE m.conversation_id = ? AND m.account_id = ?`, id, accountId);
        if (row?.status !== 'active') throw new AppError('not_member');
        const before = toMembership(row);
        const { after, moved } = movePointers(before, row.last_seq, kind, seq);
        if (moved) {
          db.run(
            'UPDATE memberships SET read_seq = ?, delivered_seq = ?, version = ?, receipt_version = ? WHERE conversation_id = ? AND account_id = ?',
            after.readSeq, after.deliveredSeq, tx.version, tx.version, id, accountId,
          );
          db.run(
            "UPDATE memberships SET version = ? WHERE conversation_id = ? AND status = 'active' AND account_id IN (SELECT value FROM json_each(?))",
            tx.version, id, json(notify),
          );
        }
        return { before, after, moved };
      });
    },

    async receiptsAt(id, seq, author, limit) {
      // Recipients: active members other than the author who were members when it was sent.
      const scope = "conversation_id = ? AND status = 'active' AND account_id IS NOT ? AND joined_seq <= ?";
      const counts = db.get<{ recipients: number; delivered: number | null; read: number | null }>(
        `SELECT count(*) AS recipients, sum(delivered_seq >= ?) AS delivered, sum(read_seq >= ?) AS read FROM memberships WHERE ${scope}`,
        seq, seq, id, author, seq,
      )!;
      const ids = (pointer: 'read_seq' | 'delivered_seq') =>
        db.all<{ account_id: AccountId }>(`SELECT account_id FROM memberships WHERE ${scope} AND ${pointer} >= ? ORDER BY join_seq LIMIT ?`, id, author, seq, seq, limit).map((r) => r.account_id);
      return {
        recipients: counts.recipients,
        delivered: counts.delivered ?? 0,
        read: counts.read ?? 0,
        readBy: ids('read_seq'),
        deliveredTo: ids('delivered_seq'),
      };
    },
  };
}

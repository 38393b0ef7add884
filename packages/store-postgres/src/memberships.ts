import type { AccountId, ConversationEvent } from '@ottr/protocol';
import { AppError } from '@ottr/server';
import { decodeCursor, isMembersCursor, movePointers, pageOf, toMembership, type ConversationRow, type MembershipOps, type MembershipRow } from '@ottr/server/storage-kit';
import type { Conn, Db, Param } from './db.js';
import { activateMember, appendSystemEvent } from './system-events.js';

import type { Writer } from './writer.js';

/**
 * Membership reads, and writes through the writer: every write locks its conversation's row
 * first (see writer.ts), so memberships of one conversation change one transaction at a time.
 */
export function createMembershipOps(db: Db, writer: Writer): MembershipOps {
  const membership = (c: Conn, id: string, accountId: string) =>
    c.row<MembershipRow>('SELECT * FROM memberships WHERE conversation_id = $1 AND account_id = $2', id, accountId);
  const active = async (c: Conn, id: string, accountId: string): Promise<MembershipRow> => {
    const m = await membership(c, id, accountId);
    if (m?.status !== 'active') throw new AppError('not_member');
    return m;
  };

  return {
    async getMembership(id, accountId) {
      const m = await membership(db, id, accountId);
      return m === undefined ? null : toMembership(m);
    },

    async listMembers(id, opts) {
      const conds = ["conversation_id = $1 AND status = 'active'"];
      const args: Param[] = [id];
      if (opts.cursor !== undefined) {
        const c = decodeCursor(opts.cursor, isMembersCursor);
        args.push(c.j, c.a);
        conds.push('join_seq >= $2 AND (join_seq, account_id) > ($2, $3)');
      }
      args.push(opts.limit + 1);
      const rows = await db.rows<MembershipRow>(`SELECT * FROM memberships WHERE ${conds.join(' AND ')} ORDER BY join_seq, account_id LIMIT $${args.length}`, ...args);
      const { page, next } = pageOf(rows, opts.limit, (last) => ({ j: last.join_seq, a: last.account_id }));
      return {
        items: page.map(toMembership),
        next,
      };
    },

    async activeMemberIds(id) {
      const rows = await db.rows<{ account_id: AccountId }>("SELECT account_id FROM memberships WHERE conversation_id = $1 AND status = 'active' ORDER BY join_seq", id);
      return rows.map((r) => r.account_id);
    },

    addMembers(id, accountIds, role, by, cap, newEventId) {
      return writer.enqueue([id], async (tx) => {
        const conv = await tx.c.row<ConversationRow>('SELECT * FROM conversations WHERE id = $1', id);
        if (conv === undefined) throw new AppError('not_found', 'No such conversation');
        const present = new Set(
          (
            await tx.c.rows<{ account_id: string }>(
              "SELECT account_id FROM memberships WHERE conversation_id = $1 AND status = 'active' AND account_id = ANY($2::text[])",
              id, accountIds,
            )
          ).map((r) => r.account_id),
        );
        const adding = [...new Set(accountIds)].filter((a) => !present.has(a));
        if (cap !== null && conv.member_count + adding.length > cap) throw new AppError('group_full');
        const events: ConversationEvent[] = [];
        for (const accountId of adding) {
          const type = accountId === by.accountId ? 'member_joined' : 'member_added';
          const e = await appendSystemEvent(tx, { id: newEventId(), conversationId: id, sender: by.accountId, at: by.at }, type, { accountId, role });
          await activateMember(tx, id, accountId, role, e.seq, conv.kind === 'channel' ? 1 : e.seq);
          events.push(e);
        }
        return events;
      });
    },

    removeMember(id, accountId, by, eventId) {
      return writer.enqueue([id], async (tx) => {
        await active(tx.c, id, accountId);
        const left = by.accountId === accountId;
        const e = await appendSystemEvent(tx, { id: eventId, conversationId: id, sender: by.accountId, at: by.at }, left ? 'member_left' : 'member_removed', { accountId });
        // The member's own row is stamped too: it syncs its end (and the events up to it).
        await tx.c.run(
          'UPDATE memberships SET status = $1, left_seq = $2 WHERE conversation_id = $3 AND account_id = $4',
          left ? 'left' : 'removed', e.seq, id, accountId,
        );
        tx.stamp(id, accountId);
        await tx.c.run('UPDATE conversations SET member_count = member_count - 1 WHERE id = $1', id);
        return e;
      });
    },

    setRole(id, accountId, role, by, eventId) {
      return writer.enqueue([id], async (tx) => {
        await active(tx.c, id, accountId);
        await tx.c.run('UPDATE memberships SET role = $1 WHERE conversation_id = $2 AND account_id = $3', role, id, accountId);
        return appendSystemEvent(tx, { id: eventId, conversationId: id, sender: by.accountId, at: by.at }, 'role_changed', { accountId, role });
      });
    },

    updateMembership(id, accountId, patch) {
      return writer.enqueue([id], async (tx) => {
        await active(tx.c, id, accountId);
        const sets: string[] = [];
        const args: Param[] = [id, accountId];
        const set = (column: string, value: Param) => {
          args.push(value);
          sets.push(`${column} = $${args.length}`);
        };
        if (patch.muteUntil !== undefined) set('mute_until', patch.muteUntil);
        if (patch.archived !== undefined) set('archived', patch.archived);
        if (patch.pinned !== undefined) set('pinned', patch.pinned);
        const row = sets.length === 0
          ? await membership(tx.c, id, accountId)
          : await tx.c.row<MembershipRow>(`UPDATE memberships SET ${sets.join(', ')} WHERE conversation_id = $1 AND account_id = $2 RETURNING *`, ...args);
        tx.stamp(id, accountId);
        return toMembership(row!);
      });
    },

    moveReceipt(id, accountId, kind, seq, notify) {
      return writer.enqueue([id], async (tx) => {
        const row = await active(tx.c, id, accountId);
        // The conversation's last seq as of this transaction (it holds the conversation's row).
        const lastSeq = tx.state.seqs.get(id) ?? 0;
        const before = toMembership(row);
        const { after, moved } = movePointers(before, lastSeq, kind, seq);
        if (moved) {
          await tx.c.run('UPDATE memberships SET read_seq = $1, delivered_seq = $2 WHERE conversation_id = $3 AND account_id = $4', after.readSeq, after.deliveredSeq, id, accountId);
          tx.stampReceipt(id, accountId);
          // Only active members are notified (an ended membership keeps its final version).
          const others = await tx.c.rows<{ account_id: string }>(
            "SELECT account_id FROM memberships WHERE conversation_id = $1 AND status = 'active' AND account_id = ANY($2::text[])",
            id, notify,
          );
          for (const o of others) tx.stamp(id, o.account_id);
        }
        return { before, after, moved };
      });
    },

    async receiptsAt(id, seq, author, limit) {
      // Recipients: active members other than the author who were members when it was sent.
      const scope = "conversation_id = $1 AND status = 'active' AND account_id IS DISTINCT FROM $2 AND joined_seq <= $3";
      const counts = (await db.row<{ recipients: number; delivered: number; read: number }>(
        `SELECT count(*) AS recipients, count(*) FILTER (WHERE delivered_seq >= $3) AS delivered, count(*) FILTER (WHERE read_seq >= $3) AS read
         FROM memberships WHERE ${scope}`,
        id, author, seq,
      ))!;
      const ids = async (pointer: 'read_seq' | 'delivered_seq') =>
        (await db.rows<{ account_id: AccountId }>(`SELECT account_id FROM memberships WHERE ${scope} AND ${pointer} >= $3 ORDER BY join_seq LIMIT $4`, id, author, seq, limit)).map((r) => r.account_id);
      return { ...counts, readBy: await ids('read_seq'), deliveredTo: await ids('delivered_seq') };
    },
  };
}

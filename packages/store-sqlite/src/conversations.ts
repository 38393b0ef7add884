import type { ConversationEvent } from '@ottr/protocol';
import { AppError, type ConversationRecord, type ConversationStore } from '@ottr/server';
import { decodeCursor, isConversationListCursor, pageOf, toConversation, type ConversationRow } from '@ottr/server/storage-kit';
import { bool, json, type Db, type Param } from './db.js';
import { createMembershipOps } from './memberships.js';
import { activateMember, appendSystemEvent } from './system-events.js';
import { toMembership, toView, VIEW_FROM, type MembershipRow, type ViewRow } from './views.js';
import type { Writer } from './writer.js';

export function createConversationStore(db: Db, writer: Writer): ConversationStore {
  const load = (id: string): ConversationRecord | null => {
    const row = db.get<ConversationRow>('SELECT * FROM conversations WHERE id = ?', id);
    return row === undefined ? null : toConversation(row);
  };
  const insertConversation = (c: { id: string; kind: string; title: string | null; description: string | null; pair: string[]; at: number }) =>
    db.run(
      `INSERT INTO conversations (id, kind, title, description, direct_a, direct_b, created_at, last_seq, last_event_at, member_count)
       VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, 0)`,
      c.id, c.kind, c.title, c.description, c.pair[0] ?? null, c.pair[1] ?? null, c.at, c.at,
    );
  const directOf = (pair: string[]) =>
    db.get<ConversationRow>("SELECT * FROM conversations WHERE kind = 'direct' AND direct_a = ? AND direct_b = ?", pair[0]!, pair[1]!);

  return {
    ...createMembershipOps(db, writer),

    async getOrCreateDirect(a, b, id, eventId, at) {
      const pair = [a, b].sort();
      // Check and create run in one synchronous call: no other call interleaves, and the
      // unique index on the pair backs it up.
      const existing = directOf(pair);
      if (existing !== undefined) return { conversation: toConversation(existing), created: false };
      writer.write((tx) => {
        insertConversation({ id, kind: 'direct', title: null, description: null, pair, at });
        const { seq } = tx.appendEvent({ id: eventId, conversationId: id, type: 'conversation_created', sender: a, at, data: json({ kind: 'direct' }) });
        for (const member of new Set(pair)) activateMember(db, tx, id, member, 'member', seq, seq);
      });
      return { conversation: load(id)!, created: true };
    },

    async createGroup(input) {
      const { id, kind, owner } = input;
      const members = [...new Set(input.members)].filter((m) => m !== owner.accountId);
      if (input.cap !== null && members.length + 1 > input.cap) throw new AppError('group_full');
      const events = writer.write((tx) => {
        insertConversation({ id, kind, title: input.title, description: input.description, pair: [], at: owner.at });
        const head = () => ({ id: input.newEventId(), conversationId: id, sender: owner.accountId, at: owner.at });
        const created = appendSystemEvent(tx, head(), 'conversation_created', { kind, title: input.title });
        activateMember(db, tx, id, owner.accountId, 'owner', created.seq, created.seq);
        const out: ConversationEvent[] = [created];
        // The initial members joined with the conversation: they see it from its creation.
        for (const m of members) {
          const e = appendSystemEvent(tx, head(), 'member_added', { accountId: m, role: 'member' });
          activateMember(db, tx, id, m, 'member', e.seq, created.seq);
          out.push(e);
        }
        return out;
      });
      return { conversation: load(id)!, events };
    },

    get: async (id) => load(id),

    async access(id, accountId) {
      const row = db.get<ConversationRow & Partial<MembershipRow>>('SELECT c.*, m.* FROM conversations c LEFT JOIN memberships m ON m.conversation_id = c.id AND m.account_id = ? WHERE c.id = ?', accountId, id);
      if (row === undefined) return null;
      return { conversation: toConversation(row), membership: row.account_id == null ? null : toMembership(row as MembershipRow) };
    },

    async view(id, accountId) {
      const row = db.get<ViewRow>(`SELECT c.*, m.* FROM ${VIEW_FROM} WHERE m.conversation_id = ? AND m.account_id = ?`, id, accountId);
      return row === undefined ? null : toView(db, row);
    },

    async listForAccount(accountId, opts) {
      const conds = ["m.account_id = ? AND m.status = 'active' AND m.archived = ?"];
      const args: Param[] = [accountId, bool(opts.archived)];
      if (opts.cursor !== undefined) {
        const c = decodeCursor(opts.cursor, isConversationListCursor);
        conds.push('(m.pinned < ? OR (m.pinned = ? AND (c.last_event_at < ? OR (c.last_event_at = ? AND c.id > ?))))');
        args.push(c.p, c.p, c.t, c.t, c.id);
      }
      const rows = db.all<ViewRow>(
        `SELECT c.*, m.* FROM ${VIEW_FROM} WHERE ${conds.join(' AND ')} ORDER BY m.pinned DESC, c.last_event_at DESC, c.id LIMIT ?`,
        ...args, opts.limit + 1,
      );
      const { page, next } = pageOf(rows, opts.limit, (last) => ({ p: last.pinned, t: last.last_event_at, id: last.id }));
      return {
        items: page.map((r) => toView(db, r)),
        next,
      };
    },

    async relation(a, b) {
      const pair = [a, b].sort();
      const direct = db.get(
        `SELECT 1 FROM conversations c
         JOIN memberships ma ON ma.conversation_id = c.id AND ma.account_id = c.direct_a AND ma.status = 'active'
         JOIN memberships mb ON mb.conversation_id = c.id AND mb.account_id = c.direct_b AND mb.status = 'active'
         WHERE c.kind = 'direct' AND c.direct_a = ? AND c.direct_b = ?`,
        pair[0]!, pair[1]!,
      );
      const group = db.get(
        `SELECT 1 FROM memberships ma
         JOIN memberships mb ON mb.conversation_id = ma.conversation_id AND mb.account_id = ? AND mb.status = 'active'
         JOIN conversations c ON c.id = ma.conversation_id AND c.kind = 'group'
         WHERE ma.account_id = ? AND ma.status = 'active' LIMIT 1`,
        b, a,
      );
      return { direct: direct !== undefined, group: group !== undefined };
    },

    async updateInfo(id, patch, by, newEventId) {
      const current = load(id);
      if (current === null) throw new AppError('not_found', 'No such conversation');
      const title = patch.title !== undefined && patch.title !== current.title ? patch.title : undefined;
      const description = patch.description !== undefined && patch.description !== current.description ? patch.description : undefined;
      if (title === undefined && description === undefined) return [];
      return writer.write((tx) => {
        const head = () => ({ id: newEventId(), conversationId: id, sender: by.accountId, at: by.at });
        const out: ConversationEvent[] = [];
        if (title !== undefined) {
          db.run('UPDATE conversations SET title = ? WHERE id = ?', title, id);
          out.push(appendSystemEvent(tx, head(), 'title_changed', { title }));
        }
        if (description !== undefined) {
          db.run('UPDATE conversations SET description = ? WHERE id = ?', description, id);
          out.push(appendSystemEvent(tx, head(), 'description_changed', { description }));
        }
        return out;
      });
    },
  };
}

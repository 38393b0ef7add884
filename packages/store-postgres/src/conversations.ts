import type { ConversationEvent } from '@ottr/protocol';
import { AppError, type ConversationRecord, type ConversationStore } from '@ottr/server';
import { decodeCursor, isConversationListCursor, pageOf, toConversation, toMembership, type ConversationRow, type MembershipRow } from '@ottr/server/storage-kit';
import { json, type Conn, type Db, type Param } from './db.js';
import { createMembershipOps } from './memberships.js';
import { activateMember, appendSystemEvent } from './system-events.js';
import { toViews, VIEW_SELECT, type ViewRow } from './views.js';
import type { Tx, Writer } from './writer.js';

export function createConversationStore(db: Db, writer: Writer): ConversationStore {
  const load = async (c: Conn, id: string): Promise<ConversationRecord | null> => {
    const row = await c.row<ConversationRow>('SELECT * FROM conversations WHERE id = $1', id);
    return row === undefined ? null : toConversation(row);
  };
  /** Inserts a conversation; false when it is a direct one whose pair exists already (also in a transaction not yet committed, which it waits for). */
  const insertConversation = async (tx: Tx, c: { id: string; kind: string; title: string | null; description: string | null; pair: string[]; at: number }) => {
    const n = await tx.c.run(
      `INSERT INTO conversations (id, kind, title, description, direct_a, direct_b, created_at, last_seq, last_event_at, member_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $7, 0) ON CONFLICT (direct_a, direct_b) WHERE kind = 'direct' DO NOTHING`,
      c.id, c.kind, c.title, c.description, c.pair[0] ?? null, c.pair[1] ?? null, c.at,
    );
    if (n === 1) tx.created(c.id);
    return n === 1;
  };
  const directOf = (c: Conn, pair: string[]) =>
    c.row<ConversationRow>("SELECT * FROM conversations WHERE kind = 'direct' AND direct_a = $1 AND direct_b = $2", pair[0]!, pair[1]!);

  return {
    ...createMembershipOps(db, writer),

    async getOrCreateDirect(a, b, id, eventId, at) {
      const pair = [a, b].sort();
      const existing = await directOf(db, pair);
      if (existing !== undefined) return { conversation: toConversation(existing), created: false };
      // Two nodes may get here at once: the unique index on the pair lets one insert win; the
      // other's insert waits for that commit, does nothing, and it returns the winner's.
      const created = await writer.enqueue([], async (tx) => {
        if (!(await insertConversation(tx, { id, kind: 'direct', title: null, description: null, pair, at }))) return false;
        const { seq } = await tx.appendEvent({ id: eventId, conversationId: id, type: 'conversation_created', sender: a, at, data: json({ kind: 'direct' }) });
        for (const member of new Set(pair)) await activateMember(tx, id, member, 'member', seq, seq);
        return true;
      });
      const row = created ? await db.row<ConversationRow>('SELECT * FROM conversations WHERE id = $1', id) : await directOf(db, pair);
      return { conversation: toConversation(row!), created };
    },

    async createGroup(input) {
      const { id, kind, owner } = input;
      const members = [...new Set(input.members)].filter((m) => m !== owner.accountId);
      if (input.cap !== null && members.length + 1 > input.cap) throw new AppError('group_full');
      const events = await writer.enqueue([], async (tx) => {
        await insertConversation(tx, { id, kind, title: input.title, description: input.description, pair: [], at: owner.at });
        const head = () => ({ id: input.newEventId(), conversationId: id, sender: owner.accountId, at: owner.at });
        const created = await appendSystemEvent(tx, head(), 'conversation_created', { kind, title: input.title });
        await activateMember(tx, id, owner.accountId, 'owner', created.seq, created.seq);
        const out: ConversationEvent[] = [created];
        // The initial members joined with the conversation: they see it from its creation.
        for (const m of members) {
          const e = await appendSystemEvent(tx, head(), 'member_added', { accountId: m, role: 'member' });
          await activateMember(tx, id, m, 'member', e.seq, created.seq);
          out.push(e);
        }
        return out;
      });
      return { conversation: (await load(db, id))!, events };
    },

    get: (id) => load(db, id),

    async access(id, accountId) {
      // Prepared (parsed and planned once per connection): every send and most reads start here.
      const { rows } = await db.prepared<ConversationRow & Partial<MembershipRow>>(
        'ottr_access',
        'SELECT c.*, m.* FROM conversations c LEFT JOIN memberships m ON m.conversation_id = c.id AND m.account_id = $2 WHERE c.id = $1',
        id, accountId,
      );
      const row = rows[0];
      if (row === undefined) return null;
      return { conversation: toConversation(row), membership: row.account_id == null ? null : toMembership(row as MembershipRow) };
    },

    async view(id, accountId) {
      const row = await db.row<ViewRow>(`SELECT ${VIEW_SELECT} WHERE m.conversation_id = $1 AND m.account_id = $2`, id, accountId);
      return row === undefined ? null : (await toViews(db, [row]))[0]!;
    },

    async listForAccount(accountId, opts) {
      const conds = ["m.account_id = $1 AND m.status = 'active' AND m.archived = $2"];
      const args: Param[] = [accountId, opts.archived];
      if (opts.cursor !== undefined) {
        const c = decodeCursor(opts.cursor, isConversationListCursor);
        args.push(c.p === 1, c.t, c.id);
        conds.push('(m.pinned < $3 OR (m.pinned = $3 AND (c.last_event_at < $4 OR (c.last_event_at = $4 AND c.id > $5))))');
      }
      args.push(opts.limit + 1);
      const rows = await db.rows<ViewRow>(
        `SELECT ${VIEW_SELECT} WHERE ${conds.join(' AND ')} ORDER BY m.pinned DESC, c.last_event_at DESC, c.id LIMIT $${args.length}`,
        ...args,
      );
      const { page, next } = pageOf(rows, opts.limit, (last) => ({ p: last.pinned ? 1 : 0, t: last.last_event_at, id: last.id }));
      return {
        items: await toViews(db, page),
        next,
      };
    },

    async relation(a, b) {
      const pair = [a, b].sort();
      const direct = await db.row(
        `SELECT 1 FROM conversations c
         JOIN memberships ma ON ma.conversation_id = c.id AND ma.account_id = c.direct_a AND ma.status = 'active'
         JOIN memberships mb ON mb.conversation_id = c.id AND mb.account_id = c.direct_b AND mb.status = 'active'
         WHERE c.kind = 'direct' AND c.direct_a = $1 AND c.direct_b = $2`,
        pair[0]!, pair[1]!,
      );
      const group = await db.row(
        `SELECT 1 FROM memberships ma
         JOIN memberships mb ON mb.conversation_id = ma.conversation_id AND mb.account_id = $1 AND mb.status = 'active'
         JOIN conversations c ON c.id = ma.conversation_id AND c.kind = 'group'
         WHERE ma.account_id = $2 AND ma.status = 'active' LIMIT 1`,
        b, a,
      );
      return { direct: direct !== undefined, group: group !== undefined };
    },

    async updateInfo(id, patch, by, newEventId) {
      return writer.enqueue([id], async (tx) => {
        const current = await load(tx.c, id);
        if (current === null) throw new AppError('not_found', 'No such conversation');
        const title = patch.title !== undefined && patch.title !== current.title ? patch.title : undefined;
        const description = patch.description !== undefined && patch.description !== current.description ? patch.description : undefined;
        const head = () => ({ id: newEventId(), conversationId: id, sender: by.accountId, at: by.at });
        const out: ConversationEvent[] = [];
        if (title !== undefined) {
          await tx.c.run('UPDATE conversations SET title = $1 WHERE id = $2', title, id);
          out.push(await appendSystemEvent(tx, head(), 'title_changed', { title }));
        }
        if (description !== undefined) {
          await tx.c.run('UPDATE conversations SET description = $1 WHERE id = $2', description, id);
          out.push(await appendSystemEvent(tx, head(), 'description_changed', { description }));
        }
        return out;
      });
    },
  };
}

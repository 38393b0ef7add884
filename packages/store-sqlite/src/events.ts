import type { AccountId, ConversationEvent, EditRecord, MessageId } from '@ottr/protocol';
import { AppError, type AppendRequest, type AppendResult, type EventStore } from '@ottr/server';
import { EVENT_COLUMNS, searchText, toEvent, type EventRow } from '@ottr/server/storage-kit';
import { json, type Db, type Param } from './db.js';
import { toEvents } from './event-rows.js';
import { enqueueJob } from './jobs.js';
import { dropReferences, referenceMedia } from './media.js';
import { searchMessages } from './search.js';
import type { Tx, Writer } from './writer.js';

type Req<T extends AppendRequest['type']> = Extract<AppendRequest, { type: T }>;

export function createEventStore(db: Db, writer: Writer): EventStore {
  const eventById = (id: string): ConversationEvent | null => {
    const row = db.get<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = ?`, id);
    return row === undefined ? null : toEvents(db, [row])[0]!;
  };

  /** The message an edit/delete/reaction refers to, in the request's conversation. */
  const target = (req: { conversationId: string; messageId: string }): EventRow => {
    const row = db.get<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = ?`, req.messageId);
    if (row === undefined || row.type !== 'message' || row.conversation_id !== req.conversationId) throw new AppError('not_found', 'No such message');
    return row;
  };
  const liveTarget = (req: { conversationId: string; messageId: string }): EventRow => {
    const row = target(req);
    if (row.deleted_at !== null) throw new AppError('message_deleted');
    return row;
  };

  /** Sets the searchable text of a message (null: none), at the end of the transaction. */
  const index = (tx: Tx, pk: number, text: string | null, replace: boolean): void =>
    tx.defer(() => {
      if (replace) db.run('DELETE FROM message_fts WHERE rowid = ?', pk);
      if (text !== null) db.run('INSERT INTO message_fts (rowid, body) VALUES (?, ?)', pk, text);
    });

  const head = (req: AppendRequest) => ({ id: req.id, conversationId: req.conversationId, sender: req.sender, at: req.at });
  const base = (req: AppendRequest, seq: number) => ({ id: req.id, conversationId: req.conversationId, seq, at: req.at, sender: req.sender });

  function message(tx: Tx, req: Req<'message'>): AppendResult {
    const first = db.value<string>('SELECT event_id FROM idempotency WHERE device_id = ? AND client_msg_id = ?', req.deviceId, req.clientMsgId);
    if (first !== undefined) return { event: eventById(first)!, duplicate: true };
    const refs = { ...(req.replyTo && { replyTo: req.replyTo }), ...(req.forwarded && { forwarded: req.forwarded }) };
    const data = json({ clientMsgId: req.clientMsgId, ...refs });
    const { pk, seq } = tx.appendEvent({ ...head(req), type: 'message', content: json(req.content), data });
    db.run('INSERT INTO idempotency (device_id, client_msg_id, event_id, created_at) VALUES (?, ?, ?, ?)', req.deviceId, req.clientMsgId, req.id, req.at);
    referenceMedia(db, req.content, { id: req.id, conversationId: req.conversationId, seq });
    if (req.job !== undefined) enqueueJob(db, req.job);
    index(tx, pk, searchText(req.content), false);
    return { event: { ...base(req, seq), type: 'message', clientMsgId: req.clientMsgId, content: req.content, ...refs }, duplicate: false };
  }

  function edit(tx: Tx, req: Req<'edit'>): AppendResult {
    const msg = liveTarget(req);
    const content = json(req.content);
    const { seq } = tx.appendEvent({ ...head(req), type: 'edit', target: req.messageId, content });
    const history = 'INSERT OR IGNORE INTO edit_history (message_id, seq, at, content) VALUES (?, ?, ?, ?)';
    db.run(history, msg.id, msg.seq, msg.at, msg.content);
    db.run(history, msg.id, seq, req.at, content);
    db.run('UPDATE events SET content = ?, edited_at = ? WHERE pk = ?', content, req.at, msg.pk);
    index(tx, msg.pk, searchText(req.content), true);
    return { event: { ...base(req, seq), type: 'edit', messageId: req.messageId, content: req.content }, duplicate: false };
  }

  function remove(tx: Tx, req: Req<'delete'>): AppendResult {
    const msg = target(req);
    if (msg.deleted_at !== null) {
      const first = db.get<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE target = ? AND type = 'delete'`, msg.id)!;
      return { event: toEvent(first), duplicate: true };
    }
    const { seq } = tx.appendEvent({ ...head(req), type: 'delete', target: req.messageId });
    db.run('UPDATE events SET content = NULL, deleted_at = ? WHERE pk = ?', req.at, msg.pk);
    db.run("UPDATE events SET content = NULL WHERE target = ? AND type = 'edit'", msg.id);
    db.run('DELETE FROM edit_history WHERE message_id = ?', msg.id);
    db.run('DELETE FROM reactions WHERE message_id = ?', msg.id);
    dropReferences(db, msg.id, req.at);
    index(tx, msg.pk, null, true);
    return { event: { ...base(req, seq), type: 'delete', messageId: req.messageId }, duplicate: false };
  }

  function react(tx: Tx, req: Req<'reaction'>): AppendResult {
    const msg = liveTarget(req);
    const first = db.value<string>('SELECT event_id FROM reactions WHERE message_id = ? AND account_id = ? AND emoji = ?', msg.id, req.sender, req.emoji);
    if (req.action === 'add' && first !== undefined) return { event: eventById(first)!, duplicate: true };
    if (req.action === 'remove' && first === undefined) throw new AppError('not_found', 'No such reaction');
    const { seq } = tx.appendEvent({ ...head(req), type: 'reaction', target: req.messageId, data: json({ emoji: req.emoji, action: req.action }) });
    if (req.action === 'add') {
      db.run('INSERT INTO reactions (message_id, account_id, emoji, event_id, seq) VALUES (?, ?, ?, ?, ?)', msg.id, req.sender, req.emoji, req.id, seq);
    } else {
      db.run('DELETE FROM reactions WHERE message_id = ? AND account_id = ? AND emoji = ?', msg.id, req.sender, req.emoji);
    }
    const event = { ...base(req, seq), type: 'reaction' as const, messageId: req.messageId, emoji: req.emoji, action: req.action };
    return { event, duplicate: false };
  }

  function apply(tx: Tx, req: AppendRequest): AppendResult {
    switch (req.type) {
      case 'message':
        return message(tx, req);
      case 'edit':
        return edit(tx, req);
      case 'delete':
        return remove(tx, req);
      case 'reaction':
        return react(tx, req);
    }
  }

  return {
    append: (req) => writer.enqueue(req.conversationId, (tx) => apply(tx, req)),

    get: async (id) => eventById(id),

    async page(id, opts) {
      const where = ['conversation_id = ?', 'seq >= ?'];
      const params: Param[] = [id, opts.minSeq];
      const bound = (cond: string, value: number | undefined) => {
        if (value === undefined) return;
        where.push(cond);
        params.push(value);
      };
      bound('seq <= ?', opts.maxSeq);
      bound('seq < ?', opts.before);
      bound('seq > ?', opts.after);
      const order = opts.after !== undefined ? 'ASC' : 'DESC';
      const rows = db.all<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY seq ${order} LIMIT ?`, ...params, opts.limit);
      if (order === 'DESC') rows.reverse();
      return toEvents(db, rows);
    },

    async sendersBetween(id, fromExclusive, toInclusive, except) {
      return db
        .all<{ sender: AccountId }>(
          "SELECT DISTINCT sender FROM events WHERE conversation_id = ? AND seq > ? AND seq <= ? AND type = 'message' AND sender <> ?",
          id, fromExclusive, toInclusive, except,
        )
        .map((r) => r.sender);
    },

    async edits(messageId: MessageId): Promise<EditRecord[]> {
      const msg = db.get<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = ? AND type = 'message'`, messageId);
      if (msg === undefined || msg.deleted_at !== null || msg.content === null) return [];
      const rows = db.all<{ seq: number; at: number; content: string }>('SELECT seq, at, content FROM edit_history WHERE message_id = ? ORDER BY seq', messageId);
      const versions = rows.length > 0 ? rows : [{ seq: msg.seq, at: msg.at, content: msg.content }];
      return versions.map((r) => ({ seq: r.seq, at: r.at, content: JSON.parse(r.content) as EditRecord['content'] }));
    },

    search: async (accountId, query, opts) => searchMessages(db, accountId, query, opts),

    async purgeIdempotency(before) {
      return db.run('DELETE FROM idempotency WHERE created_at < ?', before).changes;
    },
  };
}

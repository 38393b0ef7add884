import { isMediaContent, type AccountId, type ConversationEvent, type EditRecord, type MessageId } from '@ottr/protocol';
import { AppError, type AppendRequest, type AppendResult, type EventStore } from '@ottr/server';
import { EVENT_COLUMNS, searchText, toEvent, type EventRow } from '@ottr/server/storage-kit';
import { json, type Conn, type Db, type Param } from './db.js';
import { toEvents } from './event-rows.js';
import { dropReferences, referenceMedia } from './media.js';
import { searchMessages } from './search.js';
import type { Tx, Writer } from './writer.js';

type Req<T extends AppendRequest['type']> = Extract<AppendRequest, { type: T }>;

/** Searchable text as PostgreSQL text can hold it (no NUL). */
const body = (text: string | null): string | null => (text === null ? null : text.replaceAll('\0', ' '));

export function createEventStore(db: Db, writer: Writer): EventStore {
  const eventById = async (c: Conn, id: string): Promise<ConversationEvent | null> => {
    const row = await c.row<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = $1`, id);
    return row === undefined ? null : (await toEvents(c, [row]))[0]!;
  };

  /** The message an edit/delete/reaction refers to, in the request's conversation. */
  const target = async (c: Conn, req: { conversationId: string; messageId: string }): Promise<EventRow> => {
    const row = await c.row<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = $1`, req.messageId);
    if (row === undefined || row.type !== 'message' || row.conversation_id !== req.conversationId) throw new AppError('not_found', 'No such message');
    return row;
  };
  const liveTarget = async (c: Conn, req: { conversationId: string; messageId: string }): Promise<EventRow> => {
    const row = await target(c, req);
    if (row.deleted_at !== null) throw new AppError('message_deleted');
    return row;
  };

  const head = (req: AppendRequest) => ({ id: req.id, conversationId: req.conversationId, sender: req.sender, at: req.at });
  const base = (req: AppendRequest, seq: number) => ({ id: req.id, conversationId: req.conversationId, seq, at: req.at, sender: req.sender });

  /**
   * One statement (Tx.appendKeyed) in the common case, run without a savepoint: the key, the
   * event and its job (`req.job`) are inserted together or not at all. A second request with the key (this batch,
   * or another node's transaction, which the statement waits for) inserts nothing, takes no
   * seq and gets the first event.
   *
   * Why no savepoint: an unknown conversation is known before any statement (the writer's lock
   * query found no row), a used key is ON CONFLICT DO NOTHING, (conversation, seq) is free while
   * the batch holds the conversation's row, and that row cannot go away. What is left would fail
   * the statement and abort the batch's transaction — a clientMsgId PostgreSQL text cannot hold
   * (NUL), an event id already taken, a deadlock or timeout waiting for another transaction's
   * insert of the same key (a client reusing it across conversations) — and then the writer
   * runs the batch again with savepoints, so it fails alone (Isolation, writer.ts).
   * A message with media content writes its reference too (a second statement): it takes a savepoint.
   */
  async function message(tx: Tx, req: Req<'message'>): Promise<AppendResult> {
    const refs = { ...(req.replyTo && { replyTo: req.replyTo }), ...(req.forwarded && { forwarded: req.forwarded }) };
    const data = json({ clientMsgId: req.clientMsgId, ...refs });
    const appended = await tx.appendKeyed(
      { ...head(req), type: 'message', content: json(req.content), data, body: body(searchText(req.content)) },
      { deviceId: req.deviceId, clientMsgId: req.clientMsgId },
      req.job,
    );
    if (appended === null) {
      const row = await tx.c.row<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE id = (SELECT event_id FROM idempotency WHERE device_id = $1 AND client_msg_id = $2)`,
        req.deviceId, req.clientMsgId,
      );
      // Purged since the statement (it was older than the purge horizon): taken for in use.
      if (row === undefined) throw new AppError('conflict', 'Idempotency key in use');
      return { event: (await toEvents(tx.c, [row]))[0]!, duplicate: true };
    }
    await referenceMedia(tx.c, req.content, { id: req.id, conversationId: req.conversationId, seq: appended.seq });
    return { event: { ...base(req, appended.seq), type: 'message', clientMsgId: req.clientMsgId, content: req.content, ...refs }, duplicate: false };
  }

  async function edit(tx: Tx, req: Req<'edit'>): Promise<AppendResult> {
    const msg = await liveTarget(tx.c, req);
    const content = json(req.content);
    const { seq } = await tx.appendEvent({ ...head(req), type: 'edit', target: req.messageId, content });
    await tx.c.run(
      `INSERT INTO edit_history (message_id, seq, at, content) VALUES ($1, $2, $3, $4), ($1, $5, $6, $7) ON CONFLICT DO NOTHING`,
      msg.id, msg.seq, msg.at, msg.content, seq, req.at, content,
    );
    await tx.c.run('UPDATE events SET content = $1, edited_at = $2, body = $3 WHERE pk = $4', content, req.at, body(searchText(req.content)), msg.pk);
    return { event: { ...base(req, seq), type: 'edit', messageId: req.messageId, content: req.content }, duplicate: false };
  }

  async function remove(tx: Tx, req: Req<'delete'>): Promise<AppendResult> {
    const msg = await target(tx.c, req);
    if (msg.deleted_at !== null) {
      const first = (await tx.c.row<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE target = $1 AND type = 'delete'`, msg.id))!;
      return { event: toEvent(first), duplicate: true };
    }
    const { seq } = await tx.appendEvent({ ...head(req), type: 'delete', target: req.messageId });
    await tx.c.run('UPDATE events SET content = NULL, body = NULL, deleted_at = $1 WHERE pk = $2', req.at, msg.pk);
    await tx.c.run("UPDATE events SET content = NULL WHERE target = $1 AND type = 'edit'", msg.id);
    await tx.c.run('DELETE FROM edit_history WHERE message_id = $1', msg.id);
    await tx.c.run('DELETE FROM reactions WHERE message_id = $1', msg.id);
    await dropReferences(tx.c, msg.id, req.at);
    return { event: { ...base(req, seq), type: 'delete', messageId: req.messageId }, duplicate: false };
  }

  async function react(tx: Tx, req: Req<'reaction'>): Promise<AppendResult> {
    const msg = await liveTarget(tx.c, req);
    const first = await tx.c.value<string>('SELECT event_id FROM reactions WHERE message_id = $1 AND account_id = $2 AND emoji = $3', msg.id, req.sender, req.emoji);
    if (req.action === 'add' && first !== undefined) return { event: (await eventById(tx.c, first))!, duplicate: true };
    if (req.action === 'remove' && first === undefined) throw new AppError('not_found', 'No such reaction');
    const { seq } = await tx.appendEvent({ ...head(req), type: 'reaction', target: req.messageId, data: json({ emoji: req.emoji, action: req.action }) });
    if (req.action === 'add') {
      await tx.c.run('INSERT INTO reactions (message_id, account_id, emoji, event_id, seq) VALUES ($1, $2, $3, $4, $5)', msg.id, req.sender, req.emoji, req.id, seq);
    } else {
      await tx.c.run('DELETE FROM reactions WHERE message_id = $1 AND account_id = $2 AND emoji = $3', msg.id, req.sender, req.emoji);
    }
    const event = { ...base(req, seq), type: 'reaction' as const, messageId: req.messageId, emoji: req.emoji, action: req.action };
    return { event, duplicate: false };
  }

  function apply(tx: Tx, req: AppendRequest): Promise<AppendResult> {
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
    // A message is one statement (see `message`); the other kinds take a savepoint in a batch.
    append: (req) =>
      writer.enqueue([req.conversationId], (tx) => apply(tx, req), req.type === 'message' && !isMediaContent(req.content) ? 'one-statement' : 'savepoint'),

    get: (id) => eventById(db, id),

    async page(id, opts) {
      const where = ['conversation_id = $1', 'seq >= $2'];
      const params: Param[] = [id, opts.minSeq];
      const bound = (cond: string, value: number | undefined) => {
        if (value === undefined) return;
        params.push(value);
        where.push(`${cond} $${params.length}`);
      };
      bound('seq <=', opts.maxSeq);
      bound('seq <', opts.before);
      bound('seq >', opts.after);
      const order = opts.after !== undefined ? 'ASC' : 'DESC';
      params.push(opts.limit);
      const rows = await db.rows<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY seq ${order} LIMIT $${params.length}`, ...params);
      if (order === 'DESC') rows.reverse();
      return toEvents(db, rows);
    },

    async sendersBetween(id, fromExclusive, toInclusive, except) {
      const rows = await db.rows<{ sender: AccountId }>(
        "SELECT DISTINCT sender FROM events WHERE conversation_id = $1 AND seq > $2 AND seq <= $3 AND type = 'message' AND sender <> $4",
        id, fromExclusive, toInclusive, except,
      );
      return rows.map((r) => r.sender);
    },

    async edits(messageId: MessageId): Promise<EditRecord[]> {
      const msg = await db.row<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = $1 AND type = 'message'`, messageId);
      if (msg === undefined || msg.deleted_at !== null || msg.content === null) return [];
      const rows = await db.rows<{ seq: number; at: number; content: string }>('SELECT seq, at, content FROM edit_history WHERE message_id = $1 ORDER BY seq', messageId);
      const versions = rows.length > 0 ? rows : [{ seq: msg.seq, at: msg.at, content: msg.content }];
      return versions.map((r) => ({ seq: r.seq, at: r.at, content: JSON.parse(r.content) as EditRecord['content'] }));
    },

    search: (accountId, query, opts) => searchMessages(db, accountId, query, opts),

    async purgeIdempotency(before) {
      return db.run('DELETE FROM idempotency WHERE created_at < $1', before);
    },
  };
}

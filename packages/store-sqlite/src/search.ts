import type { AccountId, ConversationEvent, ConversationId } from '@ottr/protocol';
import type { ListPage } from '@ottr/server';
import { decodeCursor, encodeCursor, EVENT_COLUMNS, isInt, isObj, type EventRow } from '@ottr/server/storage-kit';
import type { Db, Param } from './db.js';
import { toEvents } from './event-rows.js';

/** Marks around matched words in a snippet. */
const MARK = '**';

/**
 * The user's text as an FTS5 query of plain words: each whitespace-separated word becomes a
 * quoted string (inner quotes doubled), so operators, parentheses, `*`, `:` and quotes are
 * just text and no input can be a syntax error. Control characters (NUL would end the query
 * string inside SQLite) separate words. Words are ANDed. Null when there is no word.
 */
export function matchExpression(query: string): string | null {
  const words = query.split(/[\s\p{Cc}]+/u).filter((w) => w !== '');
  return words.length === 0 ? null : words.map((w) => `"${w.replaceAll('"', '""')}"`).join(' ');
}

/**
 * Messages whose current text matches, in conversations where the account is an active member
 * and only from its joinedSeq on; newest (last committed) first, paged by the index rowid.
 */
export function searchMessages(
  db: Db,
  accountId: AccountId,
  query: string,
  opts: { conversationId?: ConversationId; cursor?: string; limit: number },
): ListPage<{ event: ConversationEvent; snippet: string }> {
  const below = opts.cursor === undefined ? undefined : decodeCursor(opts.cursor, (s): s is { r: number } => isObj(s) && isInt(s.r)).r;
  const match = matchExpression(query);
  if (match === null) return { items: [], next: null };
  const where = ['message_fts MATCH ?'];
  const params: Param[] = [accountId, match];
  if (below !== undefined) {
    where.push('f.rowid < ?');
    params.push(below);
  }
  if (opts.conversationId !== undefined) {
    where.push('e.conversation_id = ?');
    params.push(opts.conversationId);
  }
  const columns = EVENT_COLUMNS.split(', ').map((c) => `e.${c}`).join(', ');
  const rows = db.all<EventRow & { snippet: string }>(
    `SELECT ${columns}, snippet(message_fts, 0, '${MARK}', '${MARK}', '…', 16) AS snippet
     FROM message_fts f
     JOIN events e ON e.pk = f.rowid
     JOIN memberships m ON m.conversation_id = e.conversation_id AND m.account_id = ? AND m.status = 'active' AND e.seq >= m.joined_seq
     WHERE ${where.join(' AND ')}
     ORDER BY f.rowid DESC LIMIT ?`,
    ...params, opts.limit + 1,
  );
  const more = rows.length > opts.limit;
  const page = rows.slice(0, opts.limit);
  const events = toEvents(db, page);
  return {
    items: page.map((r, i) => ({ event: events[i]!, snippet: r.snippet })),
    next: more ? encodeCursor({ r: page.at(-1)!.pk }) : null,
  };
}

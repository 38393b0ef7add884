import type { AccountId, ConversationEvent, ConversationId } from '@ottr/protocol';
import type { ListPage } from '@ottr/server';
import { decodeCursor, encodeCursor, eventColumns, isInt, isObj, type EventRow } from '@ottr/server/storage-kit';
import type { Db, Param } from './db.js';
import { toEvents } from './event-rows.js';

/** Marks around matched words in a snippet. */
const MARK = '**';
const HEADLINE = `StartSel=${MARK}, StopSel=${MARK}, MaxWords=16, MinWords=4, ShortWord=0, FragmentDelimiter=…, MaxFragments=1`;

/**
 * The user's text as plain words for `plainto_tsquery`: it parses no operators at all, so
 * quotes, parentheses, `&`, `|`, `!`, `:` and `*` are just text and no input is a syntax
 * error; words are ANDed. Control characters (NUL cannot even be sent as text) separate
 * words. Null when there is no word.
 */
export function plainWords(query: string): string | null {
  const words = query.split(/[\s\p{Cc}]+/u).filter((w) => w !== '');
  return words.length === 0 ? null : words.join(' ');
}

/**
 * Messages whose current text matches, in conversations where the account is an active member
 * and only from its joinedSeq on; newest (last inserted) first, paged by the event pk. The
 * `simple` text search configuration lower-cases and splits words without stemming, like
 * the SQLite adapter's unicode61 tokenizer.
 */
export async function searchMessages(
  db: Db,
  accountId: AccountId,
  query: string,
  opts: { conversationId?: ConversationId; cursor?: string; limit: number },
): Promise<ListPage<{ event: ConversationEvent; snippet: string }>> {
  const below = opts.cursor === undefined ? undefined : decodeCursor(opts.cursor, (s): s is { r: number } => isObj(s) && isInt(s.r)).r;
  const words = plainWords(query);
  if (words === null) return { items: [], next: null };
  const params: Param[] = [accountId, words];
  const where = ["e.body IS NOT NULL", "to_tsvector('simple', e.body) @@ q.q"];
  if (below !== undefined) {
    params.push(below);
    where.push(`e.pk < $${params.length}`);
  }
  if (opts.conversationId !== undefined) {
    params.push(opts.conversationId);
    where.push(`e.conversation_id = $${params.length}`);
  }
  params.push(opts.limit + 1);
  const rows = await db.rows<EventRow & { snippet: string }>(
    `SELECT ${eventColumns('e')}, ts_headline('simple', e.body, q.q, '${HEADLINE}') AS snippet
     FROM plainto_tsquery('simple', $2) AS q (q)
     JOIN events e ON true
     JOIN memberships m ON m.conversation_id = e.conversation_id AND m.account_id = $1 AND m.status = 'active' AND e.seq >= m.joined_seq
     WHERE ${where.join(' AND ')}
     ORDER BY e.pk DESC LIMIT $${params.length}`,
    ...params,
  );
  const more = rows.length > opts.limit;
  const page = rows.slice(0, opts.limit);
  const events = await toEvents(db, page);
  return {
    items: page.map((r, i) => ({ event: events[i]!, snippet: r.snippet })),
    next: more ? encodeCursor({ r: page.at(-1)!.pk }) : null,
  };
}

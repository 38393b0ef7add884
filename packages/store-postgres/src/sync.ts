import type { AccountId } from '@ottr/protocol';
import type { SyncEntryRecord, SyncStore } from '@ottr/server';
import { decodeCursor, EVENT_COLUMNS, isSyncCursor, pageCursor, startingCursor, visibleEnd, type EventRow, type SyncCursor } from '@ottr/server/storage-kit';
import type { Conn, Db, Param } from './db.js';
import { toEvents } from './event-rows.js';
import { toViews, VIEW_SELECT, type ViewRow } from './views.js';

/** Receipts per conversation per page. */
const RECEIPTS_MAX = 100;

/**
 * Sync pages through the account's memberships in (version, conversation id) order, as in
 * store-sqlite (see its sync.ts for why nothing is lost). What makes it hold across nodes is
 * that versions become visible in commit order (writer.ts): each page is read in one
 * REPEATABLE READ snapshot, and the counter's value in that snapshot is a version below which
 * every commit is visible in it; that is the caught-up point the cursor carries.
 */
export function createSyncStore(db: Db): SyncStore {
  /** Membership rows in (version, conversation id) order after the cursor's position. */
  const rowsAfter = (c: Conn, accountId: AccountId, cur: SyncCursor, limit: number, minVersion: number, filter?: (n: number) => [string, Param]): Promise<ViewRow[]> => {
    const args: Param[] = [accountId, Math.max(minVersion, cur.p?.[0] ?? 0)];
    const conds = ['m.account_id = $1', 'm.version >= $2'];
    if (filter !== undefined) {
      const [cond, value] = filter(args.length + 1);
      conds.push(cond);
      args.push(value);
    }
    if (cur.p !== null) {
      // The row cut short (s) is read again, wherever it is now, to continue after s.
      args.push(cur.p[0], cur.p[1]);
      conds.push(`(m.version, m.conversation_id) ${cur.s === undefined ? '>' : '>='} ($${args.length - 1}, $${args.length})`);
    }
    args.push(limit + 1);
    return c.rows<ViewRow>(`SELECT ${VIEW_SELECT} WHERE ${conds.join(' AND ')} ORDER BY m.version, m.conversation_id LIMIT $${args.length}`, ...args);
  };

  /**
   * Snapshot: active memberships in their current state. Memberships that end while the
   * snapshot is paged (version above its start) come too, so the client learns of the end.
   */
  async function snapshot(c: Conn, accountId: AccountId, cur: SyncCursor, limit: number) {
    const rows = await rowsAfter(c, accountId, cur, limit, 0, (n) => [`(m.status = 'active' OR m.version > $${n})`, cur.b]);
    const page = rows.slice(0, limit);
    const entries = (await toViews(c, page)).map((v): SyncEntryRecord => ({ ...v, events: [], receipts: [], partial: false }));
    const last = page.at(-1);
    if (rows.length > limit && last !== undefined) return { entries, next: { b: cur.b, p: [last.version, last.conversation_id], snap: 1 } as SyncCursor };
    return { entries, next: null };
  }

  /**
   * Events the member may see, committed after version b, after seq `after`; at most n. The
   * first seq committed after b comes from conversation_commits (none: no events).
   */
  function eventsAfter(c: Conn, r: ViewRow, b: number, after: number, n: number): Promise<EventRow[]> {
    return c.rows<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events
       WHERE conversation_id = $1 AND seq >= $2 AND seq <= $3
         AND seq >= (SELECT first_seq FROM conversation_commits WHERE conversation_id = $1 AND version > $4 ORDER BY version LIMIT 1)
       ORDER BY seq LIMIT $5`,
      r.conversation_id, Math.max(r.joined_seq, after + 1), visibleEnd(r), b, n,
    );
  }

  /**
   * Per conversation: other members' pointers moved after b, latest first, at most RECEIPTS_MAX
   * (none for ended memberships; channels: admins only). One query for the page.
   */
  async function receipts(c: Conn, rows: readonly ViewRow[], accountId: AccountId, b: number): Promise<Map<string, SyncEntryRecord['receipts']>> {
    const ids = rows.filter((r) => r.status === 'active' && !(r.kind === 'channel' && r.role === 'member')).map((r) => r.conversation_id);
    const out = new Map<string, SyncEntryRecord['receipts']>();
    if (ids.length === 0) return out;
    const found = await c.rows<{ conversation_id: string; account_id: AccountId; read_seq: number; delivered_seq: number }>(
      `SELECT conversation_id, account_id, read_seq, delivered_seq FROM (
         SELECT conversation_id, account_id, read_seq, delivered_seq, receipt_version,
           row_number() OVER (PARTITION BY conversation_id ORDER BY receipt_version DESC) AS rn
         FROM memberships WHERE conversation_id = ANY($1::text[]) AND receipt_version > $2 AND account_id <> $3
       ) r WHERE rn <= ${RECEIPTS_MAX} ORDER BY conversation_id, receipt_version DESC`,
      ids, b, accountId,
    );
    for (const x of found) {
      let list = out.get(x.conversation_id);
      if (list === undefined) out.set(x.conversation_id, (list = []));
      list.push({ accountId: x.account_id, readSeq: x.read_seq, deliveredSeq: x.delivered_seq });
    }
    return out;
  }

  /** Changes: memberships stamped after b with their events, at most `limit` events in all. */
  async function changes(c: Conn, accountId: AccountId, cur: SyncCursor, limit: number) {
    const rows = await rowsAfter(c, accountId, cur, limit, cur.b + 1);
    const picked: { row: ViewRow; events: EventRow[]; partial: boolean }[] = [];
    let budget = limit;
    let next: SyncCursor | null = null;
    for (const r of rows.slice(0, limit)) {
      if (budget === 0) break;
      const after = cur.s !== undefined && r.conversation_id === cur.p?.[1] ? cur.s : 0;
      const found = await eventsAfter(c, r, cur.b, after, budget + 1);
      const sent = found.slice(0, budget);
      const partial = found.length > budget;
      picked.push({ row: r, events: sent, partial });
      budget -= sent.length;
      next = { b: cur.b, p: [r.version, r.conversation_id] };
      if (partial) {
        next.s = sent.at(-1)!.seq;
        break;
      }
    }
    // Views, events (with their reactions) and receipts of the whole page, a query each.
    const views = await toViews(c, picked.map((p) => p.row));
    const events = await toEvents(c, picked.flatMap((p) => p.events));
    const moved = await receipts(c, picked.map((p) => p.row), accountId, cur.b);
    let at = 0;
    const entries = picked.map((p, i): SyncEntryRecord => {
      const mine = events.slice(at, (at += p.events.length));
      return { ...views[i]!, events: mine, receipts: moved.get(p.row.conversation_id) ?? [], partial: p.partial };
    });
    const more = next !== null && (next.s !== undefined || rows.length > entries.length);
    return { entries, next: more ? next : null };
  }

  return {
    async page(accountId, cursor, limit) {
      const given = cursor === null ? null : decodeCursor(cursor, isSyncCursor);
      const size = Math.max(1, limit);
      return db.read(async (c) => {
        const now = (await c.value<number>('SELECT version FROM version_counter'))!;
        const cur = startingCursor(given, now);
        const { entries, next } = cur.snap === 1 ? await snapshot(c, accountId, cur, size) : await changes(c, accountId, cur, size);
        return { entries, cursor: pageCursor(next, now), hasMore: next !== null };
      });
    },
  };
}

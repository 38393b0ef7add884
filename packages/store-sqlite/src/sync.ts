import type { AccountId } from '@ottr/protocol';
import type { SyncEntryRecord, SyncStore } from '@ottr/server';
import { decodeCursor, EVENT_COLUMNS, isSyncCursor, pageCursor, startingCursor, visibleEnd, type EventRow, type SyncCursor } from '@ottr/server/storage-kit';
import type { Db, Param } from './db.js';
import { toEvents } from './event-rows.js';
import { toView, VIEW_FROM, type ViewRow } from './views.js';

/** Receipts per conversation per page. */
const RECEIPTS_MAX = 100;

/**
 * Sync pages through the account's memberships in (version, conversation id) order. Every
 * commit that changes what an account must see stamps its membership row with the commit's
 * version, which is higher than any version committed before it. Hence:
 *
 * - A row stamped while the client is paging gets a version above every position already
 *   returned, so it comes again in a later page: nothing is lost (events may repeat; clients
 *   dedupe by seq).
 * - Within a conversation, seq and version both follow commit order, so "events committed
 *   after b" is a suffix of the conversation's seq range, found through (conversation_id, version).
 * - Each page is read in one read transaction. When no row remains after the position, every
 *   commit up to the version read in that transaction has been returned, so the cursor
 *   {b: that version, p: null} is the caught-up point the client saves.
 */
export function createSyncStore(db: Db): SyncStore {
  /** Membership rows in (version, conversation id) order after the cursor's position. */
  const rowsAfter = (accountId: AccountId, c: SyncCursor, limit: number, minVersion: number, filter?: [string, Param]): ViewRow[] => {
    const conds = ['m.account_id = ?', 'm.version >= ?'];
    const args: Param[] = [accountId, Math.max(minVersion, c.p?.[0] ?? 0)];
    if (filter !== undefined) {
      conds.push(filter[0]);
      args.push(filter[1]);
    }
    if (c.p !== null) {
      // The row cut short (s) is read again, wherever it is now, to continue after s.
      conds.push(c.s === undefined ? '(m.version, m.conversation_id) > (?, ?)' : '(m.version, m.conversation_id) >= (?, ?)');
      args.push(c.p[0], c.p[1]);
    }
    return db.all<ViewRow>(`SELECT c.*, m.* FROM ${VIEW_FROM} WHERE ${conds.join(' AND ')} ORDER BY m.version, m.conversation_id LIMIT ?`, ...args, limit + 1);
  };

  /**
   * Snapshot: active memberships in their current state. Memberships that end while the
   * snapshot is paged (version above its start) come too, so the client learns of the end.
   */
  function snapshot(accountId: AccountId, c: SyncCursor, limit: number) {
    const rows = rowsAfter(accountId, c, limit, 0, ["(m.status = 'active' OR m.version > ?)", c.b]);
    const page = rows.slice(0, limit);
    const entries = page.map((r): SyncEntryRecord => ({ ...toView(db, r), events: [], receipts: [], partial: false }));
    const last = page.at(-1);
    if (rows.length > limit && last !== undefined) return { entries, next: { b: c.b, p: [last.version, last.conversation_id], snap: 1 } as SyncCursor };
    return { entries, next: null };
  }

  /** Events the member may see, committed after version b, after seq `after`; at most n. */
  function eventsAfter(r: ViewRow, b: number, after: number, n: number): EventRow[] {
    const first = db.value<number>('SELECT seq FROM events WHERE conversation_id = ? AND version > ? ORDER BY version, pk LIMIT 1', r.conversation_id, b);
    if (first === undefined) return [];
    const from = Math.max(first, r.joined_seq, after + 1);
    return db.all<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE conversation_id = ? AND seq >= ? AND seq <= ? ORDER BY seq LIMIT ?`, r.conversation_id, from, visibleEnd(r), n);
  }

  /** Other members' pointers moved after b (none for ended memberships; channels: admins only). */
  function receipts(r: ViewRow, b: number): SyncEntryRecord['receipts'] {
    if (r.status !== 'active' || (r.kind === 'channel' && r.role === 'member')) return [];
    return db
      .all<{ account_id: AccountId; read_seq: number; delivered_seq: number }>(
        'SELECT account_id, read_seq, delivered_seq FROM memberships WHERE conversation_id = ? AND receipt_version > ? AND account_id <> ? ORDER BY receipt_version DESC LIMIT ?',
        r.conversation_id, b, r.account_id, RECEIPTS_MAX,
      )
      .map((x) => ({ accountId: x.account_id, readSeq: x.read_seq, deliveredSeq: x.delivered_seq }));
  }

  /** Changes: memberships stamped after b with their events, at most `limit` events in all. */
  function changes(accountId: AccountId, c: SyncCursor, limit: number) {
    const rows = rowsAfter(accountId, c, limit, c.b + 1);
    const entries: SyncEntryRecord[] = [];
    let budget = limit;
    let next: SyncCursor | null = null;
    for (const r of rows.slice(0, limit)) {
      if (budget === 0) break;
      const after = c.s !== undefined && r.conversation_id === c.p?.[1] ? c.s : 0;
      const found = eventsAfter(r, c.b, after, budget + 1);
      const sent = found.slice(0, budget);
      const partial = found.length > budget;
      entries.push({ ...toView(db, r), events: toEvents(db, sent), receipts: receipts(r, c.b), partial });
      budget -= sent.length;
      next = { b: c.b, p: [r.version, r.conversation_id] };
      if (partial) {
        next.s = sent.at(-1)!.seq;
        break;
      }
    }
    const more = next !== null && (next.s !== undefined || rows.length > entries.length);
    return { entries, next: more ? next : null };
  }

  return {
    async page(accountId, cursor, limit) {
      const given = cursor === null ? null : decodeCursor(cursor, isSyncCursor);
      const size = Math.max(1, limit);
      return db.read(() => {
        const now = db.value<number>("SELECT value FROM meta WHERE key = 'version'")!;
        const c = startingCursor(given, now);
        const { entries, next } = c.snap === 1 ? snapshot(accountId, c, size) : changes(accountId, c, size);
        return { entries, cursor: pageCursor(next, now), hasMore: next !== null };
      });
    },
  };
}

import { AppError } from '../errors/index.js';
import { encodeCursor, isInt, isObj, isStr } from './cursor.js';

/**
 * Sync cursor state, the same for every SQL adapter.
 * - `b`: base version. Changes mode: the page holds what was committed after version b.
 *   Snapshot mode: the version at which the snapshot started.
 * - `p`: position, the (membership version, conversation id) of the last row sent; null at the start.
 * - `s`: when the row at `p` was cut short, the last seq of it that was sent.
 * - `snap`: snapshot mode (the first sync of a device): current state, no events.
 */
export interface SyncCursor {
  b: number;
  p: [number, string] | null;
  s?: number;
  snap?: 1;
}

export const isSyncCursor = (c: unknown): c is SyncCursor =>
  isObj(c) &&
  isInt(c.b) &&
  c.b >= 0 &&
  (c.p === null || (Array.isArray(c.p) && c.p.length === 2 && isInt(c.p[0]) && isStr(c.p[1]))) &&
  (c.s === undefined || (isInt(c.s) && c.p !== null)) &&
  (c.snap === undefined || c.snap === 1);

/**
 * Where a page starts: the cursor given, or (none) a snapshot at the store's current version.
 * A cursor ahead of the store (another store's, or a restored backup's) is `invalid_cursor`.
 */
export function startingCursor(given: SyncCursor | null, now: number): SyncCursor {
  const c: SyncCursor = given ?? { b: now, p: null, snap: 1 };
  if (c.b > now) throw new AppError('invalid_cursor', 'The cursor is ahead of this store');
  return c;
}

/** The cursor a page returns: where the next page starts, or (none) the caught-up point at `now`. */
export const pageCursor = (next: SyncCursor | null, now: number): string => encodeCursor(next ?? { b: now, p: null });

import { AppError } from '../errors/index.js';

/** Cursors are base64url JSON of a small state; their shape is private to the adapter that makes them. */
export function encodeCursor(state: unknown): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

/** Decodes a cursor and checks its shape; anything else is `invalid_cursor`. */
export function decodeCursor<T>(cursor: string, valid: (state: unknown) => state is T): T {
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('invalid_cursor');
  }
  if (!valid(state)) throw new AppError('invalid_cursor');
  return state;
}

export const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
export const isStr = (v: unknown): v is string => typeof v === 'string';
export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A page from rows fetched with LIMIT limit + 1: the first `limit` rows, and the cursor at the
 * last of them (`position` gives its state) when a row beyond them shows there is more.
 */
export function pageOf<R>(rows: readonly R[], limit: number, position: (last: R) => unknown): { page: R[]; next: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, next: rows.length > limit && last !== undefined ? encodeCursor(position(last)) : null };
}

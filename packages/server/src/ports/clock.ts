import type { IdKind } from '@ottr/protocol';

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export interface IdGenerator {
  /** A new prefixed, time-sortable id of the kind (`acc_…`, `msg_…`, …). */
  next(kind: IdKind): string;
}

import type { AccountId, LocalMessage, SystemEvent } from '@ottr/sdk/browser';

/** One entry of the history: a message or a system event (joined, left, title changed …). */
export type TimelineItem = { kind: 'message'; message: LocalMessage } | { kind: 'system'; event: SystemEvent };

/** One row of the chat log as drawn. */
export type Row =
  | { type: 'top'; key: 'top'; state: 'loading' | 'start' | 'more' }
  | { type: 'date'; key: string; label: string }
  | { type: 'unread'; key: 'unread' }
  | { type: 'system'; key: string; event: SystemEvent }
  | { type: 'message'; key: string; message: LocalMessage; firstOfGroup: boolean; lastOfGroup: boolean };

/** Messages of one sender within this long of each other form one group (name and avatar once). */
export const GROUP_GAP_MS = 5 * 60_000;

/**
 * Merges messages (older pages and the cached list) and system events into one timeline: sent
 * entries by seq (a later copy of a seq wins), then what is still waiting to be sent.
 */
export function mergeTimeline(older: readonly LocalMessage[], cached: readonly LocalMessage[], system: readonly SystemEvent[]): TimelineItem[] {
  const bySeq = new Map<number, TimelineItem>();
  for (const event of system) bySeq.set(event.seq, { kind: 'system', event });
  for (const message of [...older, ...cached]) if (message.seq !== null) bySeq.set(message.seq, { kind: 'message', message });
  const sent = [...bySeq.entries()].sort((a, b) => a[0] - b[0]).map(([, item]) => item);
  const waiting = cached.filter((m) => m.seq === null).map((message): TimelineItem => ({ kind: 'message', message }));
  return [...sent, ...waiting];
}

function dayStart(at: number): number {
  const d = new Date(at);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Whole calendar days between two instants in local time (DST-safe). */
function daysBetween(at: number, now: number): number {
  return Math.round((dayStart(now) - dayStart(at)) / 86_400_000);
}

/** A date separator's text: "Today", "Yesterday", the weekday within a week, else the date. */
export function dayLabel(at: number, now: number, locale?: string): string {
  const days = daysBetween(at, now);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days > 1 && days < 7) return new Intl.DateTimeFormat(locale, { weekday: 'long' }).format(at);
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', ...(sameYear ? {} : { year: 'numeric' }) }).format(at);
}

function itemAt(item: TimelineItem): number {
  return item.kind === 'message' ? item.message.at : item.event.at;
}

function itemSeq(item: TimelineItem): number | null {
  return item.kind === 'message' ? item.message.seq : item.event.seq;
}

export interface RowOptions {
  /** The reader's own account (own messages never start the unread part). */
  me: AccountId | null;
  /** Show "Unread messages" above the first message of someone else after this seq; null: no marker. */
  readSeq: number | null;
  /** Now, for "Today"/"Yesterday". */
  now: number;
  /** What the top row says: more to load, loading, or the start of the conversation; null: no top row. */
  top: 'loading' | 'start' | 'more' | null;
  locale?: string;
}

/** The timeline as rows: date separators, the unread marker, system lines and grouped messages. */
export function buildRows(items: readonly TimelineItem[], opts: RowOptions): Row[] {
  const rows: Row[] = [];
  if (opts.top) rows.push({ type: 'top', key: 'top', state: opts.top });
  let day = -1;
  let unreadPlaced = opts.readSeq === null;
  let prev: Extract<Row, { type: 'message' }> | null = null;
  for (const item of items) {
    const at = itemAt(item);
    const d = dayStart(at);
    if (d !== day) {
      day = d;
      rows.push({ type: 'date', key: `d${d}`, label: dayLabel(at, opts.now, opts.locale) });
      prev = null;
    }
    const seq = itemSeq(item);
    if (!unreadPlaced && item.kind === 'message' && seq !== null && seq > opts.readSeq! && item.message.sender !== opts.me) {
      rows.push({ type: 'unread', key: 'unread' });
      unreadPlaced = true;
      prev = null;
    }
    if (item.kind === 'system') {
      rows.push({ type: 'system', key: `e${item.event.seq}`, event: item.event });
      prev = null;
      continue;
    }
    const m = item.message;
    const continues = prev !== null && prev.message.sender === m.sender && m.at - prev.message.at < GROUP_GAP_MS;
    if (continues) prev!.lastOfGroup = false;
    const row: Extract<Row, { type: 'message' }> = { type: 'message', key: m.clientMsgId, message: m, firstOfGroup: !continues, lastOfGroup: true };
    rows.push(row);
    prev = row;
  }
  return rows;
}

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react';
import type { Row } from './rows.js';

/**
 * How tall a row not measured yet is assumed to be (px): what a row of its type usually is, so
 * that rows drawn for the first time (at the very top the log cannot scroll to make up for a
 * wrong guess) move the view as little as possible when they are measured. Pictures, files and
 * long texts vary; they get the most common height of a short message with media.
 */
function estimate(row: Row): number {
  switch (row.type) {
    case 'top':
      return 34;
    case 'date':
    case 'unread':
    case 'system':
      return 41;
    case 'message':
      return row.message.content?.kind === 'text' ? (row.firstOfGroup ? 40 : 34) : 64;
  }
}
/** Rows this far (px) outside the viewport are still drawn, so that scrolling shows no gaps. */
const OVERSCAN = 900;
/** Within this distance (px) of the bottom the log counts as "at the bottom" and stays pinned there. */
const PIN_SLACK = 48;
/** Within this distance (px) of the top, older history is asked for. */
const NEAR_TOP = 700;
const PAD = 8;

/** What the chat view can ask of the log. */
export interface LogControl {
  /** Scrolls to the newest row and stays there as rows arrive. */
  toBottom(): void;
  /** Scrolls a row into view (a third from the top, or at the top); false when it is not loaded. */
  toKey(key: string, at?: 'third' | 'top'): boolean;
  /** The reader scrolled by hand (wheel, touch, keys) since the log opened. */
  readonly touched: boolean;
}

interface Anchor {
  key: string;
  /** The row's top, in px below the viewport's top. */
  offset: number;
}

/**
 * The chat history: a bottom-anchored virtual list. Only rows near the viewport are in the DOM;
 * each is measured (ResizeObserver) and the sum of the heights is the scroll height. Scroll
 * position is kept by an anchor (a row and its distance from the viewport top) so that rows
 * prepended above, or rows above that change height, never move what the reader is looking at;
 * at the bottom the log stays pinned to the newest row.
 */
export function MessageLog({
  rows,
  renderRow,
  startAt,
  control,
  onNearTop,
  onBottomChange,
  label = 'Messages',
}: {
  rows: Row[];
  renderRow: (row: Row) => ReactNode;
  /** Open with this row near the top (the unread marker); null: at the bottom. */
  startAt: string | null;
  control: RefObject<LogControl | null>;
  onNearTop: () => void;
  /** Whether the log is at the bottom (pinned to the newest row), after each scroll. */
  onBottomChange: (atBottom: boolean) => void;
  label?: string;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<string, number>());
  const [measured, setMeasured] = useState(0);
  const [view, setView] = useState({ top: 0, height: 0 });
  const pinned = useRef(startAt === null);
  const anchor = useRef<Anchor | null>(startAt ? { key: startAt, offset: PAD } : null);
  const touched = useRef(false);
  /** Where the log last scrolled itself to keep the anchor: that scroll must not pick a new anchor. */
  const ownScroll = useRef<number | null>(null);
  const latest = useRef({ onNearTop, onBottomChange });
  latest.current = { onNearTop, onBottomChange };

  const layout = useMemo(() => {
    const tops: number[] = [];
    let y = PAD;
    for (const row of rows) {
      tops.push(y);
      y += heights.current.get(row.key) ?? estimate(row);
    }
    return { tops, total: y + PAD };
    // `measured` changes when a height does (heights is a ref).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows, measured]);

  // Short histories sit at the bottom, like every messenger.
  const shift = Math.max(0, view.height - layout.total);

  const indexOf = useCallback((key: string) => rows.findIndex((r) => r.key === key), [rows]);

  const observer = useMemo(
    () =>
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver((entries) => {
            let changed = false;
            for (const entry of entries) {
              const el = entry.target as HTMLElement;
              const key = el.dataset.key;
              if (!key || !el.isConnected) continue;
              const h = Math.round(entry.borderBoxSize?.[0]?.blockSize ?? el.offsetHeight);
              if (h > 0 && heights.current.get(key) !== h) {
                heights.current.set(key, h);
                changed = true;
              }
            }
            if (changed) setMeasured((n) => n + 1);
          }),
    [],
  );
  useEffect(() => () => observer?.disconnect(), [observer]);

  const recordAnchor = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const top = el.scrollTop - shift;
    const { tops } = layout;
    // The first row that starts inside the viewport: rows above it may still change height
    // (measured late) without moving what the reader sees. Else the row across the top edge.
    const bottom = top + (el.clientHeight || 0);
    let i = firstIndexBelow(tops, top - 0.5);
    if (i >= rows.length || (tops[i] ?? Infinity) > bottom) i = Math.max(0, firstIndexBelow(tops, top) - 1);
    // Not the "older messages" row or a date separator: when an older page lands they move up
    // with it (they stay first, or above the day's first message), so keeping them in place
    // would move what the reader looks at. The next row inside the viewport holds still.
    while (i + 1 < rows.length && movesOnPrepend(rows[i]!) && tops[i + 1]! < bottom) i++;
    const row = rows[i];
    anchor.current = row ? { key: row.key, offset: tops[i]! - top } : null;
  }, [layout, rows, shift]);

  // After every render: keep the anchor (or the bottom) where it was, and tell the view what shows.
  // Only when the layout or the viewport's size changed: a render caused by the reader's own
  // scrolling must not move the list.
  const applied = useRef<{ layout: typeof layout; height: number } | null>(null);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const last = applied.current;
    applied.current = { layout, height: el.clientHeight };
    let target: number | null = null;
    if (last && last.layout === layout && last.height === el.clientHeight) target = null;
    else if (pinned.current) target = el.scrollHeight - el.clientHeight;
    else if (anchor.current) {
      const i = indexOf(anchor.current.key);
      if (i >= 0) target = layout.tops[i]! + shift - anchor.current.offset;
    }
    if (target !== null && Math.abs(el.scrollTop - target) >= 1) {
      el.scrollTop = target;
      ownScroll.current = el.scrollTop;
    }
    // Above the top (rows above the anchor measured shorter than estimated, the log at its very
    // top): the anchor is where its row really shows now, else the next layout (an older page
    // landing) would put it back where it was estimated to be and the view would jump.
    if (target !== null && target < 0 && !pinned.current) recordAnchor();
    if (el.scrollTop !== view.top || el.clientHeight !== view.height) setView({ top: el.scrollTop, height: el.clientHeight });
  }, [layout, view.top, view.height, indexOf, shift, recordAnchor]);

  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setView({ top: el.scrollTop, height: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const first = firstIndexBelow(layout.tops, view.top - shift - OVERSCAN);
  const last = Math.min(rows.length - 1, firstIndexBelow(layout.tops, view.top - shift + view.height + OVERSCAN));

  // Report whether the log is at the bottom (for "Jump to latest") and ask for older pages near the top.
  const atBottomNow = pinned.current;
  useEffect(() => {
    latest.current.onBottomChange(atBottomNow);
    if (view.height > 0 && view.top < NEAR_TOP) latest.current.onNearTop();
  }, [atBottomNow, view.top, view.height]);

  control.current = {
    toBottom() {
      pinned.current = true;
      anchor.current = null;
      setMeasured((n) => n + 1);
    },
    toKey(key, at = 'third') {
      if (indexOf(key) < 0) return false;
      pinned.current = false;
      anchor.current = { key, offset: at === 'top' ? PAD : Math.round((scroller.current?.clientHeight ?? 0) / 3) };
      setMeasured((n) => n + 1);
      return true;
    },
    get touched() {
      return touched.current;
    },
  };
  const touch = () => {
    touched.current = true;
  };

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < PIN_SLACK;
    // A scroll the log made itself keeps the anchor it kept: re-picking "the first row inside the
    // viewport" then could pick a row of a page just prepended (its height only estimated), and
    // the view would move when that row is measured.
    const own = ownScroll.current !== null && Math.abs(el.scrollTop - ownScroll.current) < 1;
    ownScroll.current = null;
    if (!own) recordAnchor();
    setView({ top: el.scrollTop, height: el.clientHeight });
  };

  const drawn: ReactNode[] = [];
  for (let i = Math.max(0, first - 1); i <= last; i++) {
    const row = rows[i]!;
    drawn.push(
      <div
        key={row.key}
        data-key={row.key}
        className="log-row"
        style={{ transform: `translateY(${layout.tops[i]! + shift}px)` }}
        ref={(node) => {
          if (!node || !observer) return;
          observer.observe(node);
          return () => observer.unobserve(node);
        }}
      >
        {renderRow(row)}
      </div>,
    );
  }

  return (
    // The log is not a live region itself: drawing rows while scrolling must not be read out.
    // New incoming messages are announced by the chat view's own status line.
    <div className="log" role="log" aria-label={label} aria-live="off" tabIndex={0} ref={scroller} onScroll={onScroll} onWheel={touch} onTouchMove={touch} onKeyDown={touch} onMouseDown={touch}>
      <div className="log-inner" style={{ height: layout.total + shift }}>
        {drawn}
      </div>
    </div>
  );
}

/** Rows whose position among the others changes when older rows are prepended. */
function movesOnPrepend(row: Row): boolean {
  return row.type === 'top' || row.type === 'date';
}

/** The index of the first top greater than `y` (tops ascending); tops.length when none. */
function firstIndexBelow(tops: readonly number[], y: number): number {
  let lo = 0;
  let hi = tops.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tops[mid]! <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

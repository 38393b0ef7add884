/** Where and how to show times: the locale and time zone (defaults: the browser's). */
export interface TimeOptions {
  locale?: string;
  timeZone?: string;
}

const DAY = 86_400_000;

/**
 * The time of a conversation's last activity in the list: today HH:MM, in the last week the
 * weekday, else the date (all in the locale's style).
 */
export function listTime(at: number, now: number, opts: TimeOptions = {}): string {
  const days = dayNumber(now, opts.timeZone) - dayNumber(at, opts.timeZone);
  const base = opts.timeZone ? { timeZone: opts.timeZone } : {};
  if (days <= 0) return new Intl.DateTimeFormat(opts.locale, { ...base, hour: '2-digit', minute: '2-digit' }).format(at);
  if (days < 7) return new Intl.DateTimeFormat(opts.locale, { ...base, weekday: 'short' }).format(at);
  return new Intl.DateTimeFormat(opts.locale, { ...base, dateStyle: 'short' }).format(at);
}

/** A moment in words for lists of devices and the like: "today, 14:05", "3 Mar 2026, 09:12". */
export function dateTime(at: number, now: number, opts: TimeOptions = {}): string {
  const base = opts.timeZone ? { timeZone: opts.timeZone } : {};
  const time = new Intl.DateTimeFormat(opts.locale, { ...base, hour: '2-digit', minute: '2-digit' }).format(at);
  const days = dayNumber(now, opts.timeZone) - dayNumber(at, opts.timeZone);
  if (days === 0) return `today, ${time}`;
  if (days === 1) return `yesterday, ${time}`;
  return `${new Intl.DateTimeFormat(opts.locale, { ...base, dateStyle: 'medium' }).format(at)}, ${time}`;
}

/** Days since the epoch of the calendar day `at` falls on in a time zone. */
function dayNumber(at: number, timeZone: string | undefined): number {
  const parts = new Intl.DateTimeFormat('en-US', { ...(timeZone ? { timeZone } : {}), year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Math.floor(Date.UTC(get('year'), get('month') - 1, get('day')) / DAY);
}

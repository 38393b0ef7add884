/** "just now", "42 s ago", "2 min ago", "3 h ago", "yesterday", "4 days ago", then the date. */
export function relativeTime(at: number, now: number = Date.now()): string {
  const s = Math.round((now - at) / 1000);
  if (s < 0) return s > -60 ? 'just now' : `in ${relativeFuture(-s)}`;
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h} h ago`;
  const days = Math.floor(h / 24);
  if (days === 1) return 'yesterday';
  if (days < 7) return `${days} days ago`;
  return isoDate(at);
}

function relativeFuture(s: number): string {
  if (s < 3600) return `${Math.ceil(s / 60)} min`;
  if (s < 86_400) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}

/** Local date, YYYY-MM-DD. */
export function isoDate(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Local time, HH:MM. */
export function clock(at: number): string {
  const d = new Date(at);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

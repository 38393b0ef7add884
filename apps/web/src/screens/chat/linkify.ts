import type { TextContent } from '@ottr/sdk/browser';

type Mention = NonNullable<TextContent['mentions']>[number];

/** A piece of message text: plain text, a safe http(s) link, or a mention of an account. */
export type Segment =
  | { type: 'text'; text: string }
  | { type: 'link'; text: string; href: string }
  | { type: 'mention'; text: string; accountId: string };

// A URL starts with http:// or https:// (not in the middle of a word) and runs to whitespace or a
// character that cannot be in one unescaped.
const URL_RE = /(?<![\p{L}\p{N}_])https?:\/\/[^\s<>"'`{}|\\^]+/giu;
const TRAILING = /[.,;:!?'"»”’)\]}*_~-]$/u;

/** Drops punctuation that ends a sentence rather than the URL; a ")" stays when it closes a "(" in the URL. */
function trimUrl(raw: string): string {
  let url = raw;
  while (TRAILING.test(url)) {
    const last = url[url.length - 1];
    if (last === ')' && count(url, '(') >= count(url, ')')) break;
    url = url.slice(0, -1);
  }
  return url;
}

function count(s: string, ch: string): number {
  return s.split(ch).length - 1;
}

/** The href for a URL, or null when it is not a well-formed http(s) URL. */
export function safeHref(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** Splits text into plain text and http(s) links (nothing else ever becomes a link). */
export function linkify(text: string): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  for (const match of text.matchAll(URL_RE)) {
    const url = trimUrl(match[0]);
    const href = url.length > 'https://'.length - 1 ? safeHref(url) : null;
    if (!href) continue;
    const start = match.index;
    if (start > at) out.push({ type: 'text', text: text.slice(at, start) });
    out.push({ type: 'link', text: url, href });
    at = start + url.length;
  }
  if (at < text.length) out.push({ type: 'text', text: text.slice(at) });
  return out;
}

/** Text → segments with mentions (offsets in UTF-16 units, as the protocol sends them) and links. */
export function segments(text: string, mentions: readonly Mention[] = []): Segment[] {
  const valid = [...mentions]
    .filter((m) => m.offset >= 0 && m.length > 0 && m.offset + m.length <= text.length)
    .sort((a, b) => a.offset - b.offset);
  const out: Segment[] = [];
  let at = 0;
  for (const m of valid) {
    if (m.offset < at) continue; // overlapping: keep the first
    if (m.offset > at) out.push(...linkify(text.slice(at, m.offset)));
    out.push({ type: 'mention', text: text.slice(m.offset, m.offset + m.length), accountId: m.accountId });
    at = m.offset + m.length;
  }
  if (at < text.length) out.push(...linkify(text.slice(at)));
  return out;
}

import type { Link } from '@ottr/protocol';

// http(s) URLs and bare www. hosts; stops at whitespace and characters that never end a URL.
const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/giu;
const TRAILING = /[.,;:!?)\]}'"»”’]+$/u;

/**
 * Finds the links in a message text (offsets in UTF-16 code units, as in mentions). Only
 * http(s) targets are produced: `www.x` becomes `https://www.x`; nothing else (javascript:,
 * data:) is ever a link.
 */
export function findLinks(text: string): Link[] {
  const links: Link[] = [];
  for (const m of text.matchAll(URL_RE)) {
    let raw = m[0];
    // Keep a closing parenthesis that balances one inside the URL (wiki-style links).
    while (TRAILING.test(raw)) {
      const last = raw[raw.length - 1];
      if (last === ')' && count(raw, '(') >= count(raw, ')')) break;
      raw = raw.slice(0, -1);
    }
    if (raw.length < 5 || /^(?:https?:\/\/|www\.)$/iu.test(raw)) continue;
    const url = /^www\./iu.test(raw) ? `https://${raw}` : raw;
    links.push({ url, offset: m.index, length: raw.length });
  }
  return links;
}

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}

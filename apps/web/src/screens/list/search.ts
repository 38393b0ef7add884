/** Text folded for matching: lower case, without accents, single spaces. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Whether a title matches a query: every word of the query appears in it (any order, ignoring case and accents). */
export function matches(title: string, query: string): boolean {
  const words = fold(query).split(' ').filter(Boolean);
  if (words.length === 0) return true;
  const t = fold(title);
  return words.every((w) => t.includes(w));
}

/** The items whose title matches the query, in their order. */
export function filterByTitle<T>(items: readonly T[], query: string, title: (item: T) => string): T[] {
  return items.filter((item) => matches(title(item), query));
}

/** Message search runs from this many characters on. */
export const MESSAGE_SEARCH_MIN = 2;

/**
 * A server search snippet split into plain and matched parts: the server marks matched words
 * with `**` on both sides ("…see you **tomorrow** at…").
 */
export function snippetParts(snippet: string): { text: string; hit: boolean }[] {
  return snippet
    .split('**')
    .map((text, i) => ({ text, hit: i % 2 === 1 }))
    .filter((p) => p.text !== '');
}

import { describe, expect, it } from 'vitest';
import { findLinks } from './links.js';

describe('findLinks', () => {
  it('finds http(s) and www links with their offsets', () => {
    const text = 'see https://example.com/a?b=1, and www.ottr.dev.';
    expect(findLinks(text)).toEqual([
      { url: 'https://example.com/a?b=1', offset: 4, length: 25 },
      { url: 'https://www.ottr.dev', offset: 35, length: 12 },
    ]);
  });

  it('keeps balanced parentheses and drops trailing punctuation', () => {
    const [l] = findLinks('(https://en.wikipedia.org/wiki/Foo_(bar))');
    expect(l?.url).toBe('https://en.wikipedia.org/wiki/Foo_(bar)');
  });

  it('never turns other schemes into links', () => {
    expect(findLinks('javascript:alert(1) data:text/html,<b>x</b> ftp://x.y')).toEqual([]);
  });

  it('offsets point into the original text, also after astral characters', () => {
    const text = '😀 http://a.io';
    const [l] = findLinks(text);
    expect(text.slice(l!.offset, l!.offset + l!.length)).toBe('http://a.io');
  });
});

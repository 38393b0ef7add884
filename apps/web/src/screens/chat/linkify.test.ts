import { describe, expect, it } from 'vitest';
import type { AccountId } from '@ottr/sdk/browser';
import { linkify, segments } from './linkify.js';

describe('linkify', () => {
  it('makes http and https URLs links and keeps the rest as text', () => {
    expect(linkify('see https://example.com/a?b=1 and http://x.org')).toEqual([
      { type: 'text', text: 'see ' },
      { type: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { type: 'text', text: ' and ' },
      { type: 'link', text: 'http://x.org', href: 'http://x.org/' },
    ]);
  });

  it('leaves trailing punctuation out of the link', () => {
    expect(linkify('Go to https://example.com/page.')).toEqual([
      { type: 'text', text: 'Go to ' },
      { type: 'link', text: 'https://example.com/page', href: 'https://example.com/page' },
      { type: 'text', text: '.' },
    ]);
    expect(linkify('(https://example.com/x), ok').map((s) => s.text)).toEqual(['(', 'https://example.com/x', '), ok']);
    expect(linkify('https://en.wikipedia.org/wiki/Foo_(bar)!')[0]).toEqual({
      type: 'link',
      text: 'https://en.wikipedia.org/wiki/Foo_(bar)',
      href: 'https://en.wikipedia.org/wiki/Foo_(bar)',
    });
  });

  it('never links javascript:, data: or other schemes, nor http inside a word', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'ftp://example.com', 'www.example.com', 'xhttps://evil.com', 'JaVaScRiPt:alert(1)']) {
      expect(linkify(text)).toEqual([{ type: 'text', text }]);
    }
  });

  it('keeps markup as plain text', () => {
    const text = '<img src=x onerror=alert(1)><script>alert(1)</script>';
    expect(linkify(text)).toEqual([{ type: 'text', text }]);
  });

  it('does not link a bare scheme', () => {
    expect(linkify('https:// is a prefix')).toEqual([{ type: 'text', text: 'https:// is a prefix' }]);
  });
});

describe('segments', () => {
  it('marks mentions by offset and still finds links around them', () => {
    const text = 'hi @Ann see https://a.io';
    expect(segments(text, [{ accountId: 'acc_1' as AccountId, offset: 3, length: 4 }])).toEqual([
      { type: 'text', text: 'hi ' },
      { type: 'mention', text: '@Ann', accountId: 'acc_1' },
      { type: 'text', text: ' see ' },
      { type: 'link', text: 'https://a.io', href: 'https://a.io/' },
    ]);
  });

  it('ignores mentions outside the text', () => {
    expect(segments('hey', [{ accountId: 'acc_1' as AccountId, offset: 2, length: 5 }])).toEqual([{ type: 'text', text: 'hey' }]);
  });
});

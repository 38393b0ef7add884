import { describe, expect, it } from 'vitest';
import type { MediaId } from '@ottr/protocol';
import { cleanFileName, contentDisposition, parseRange, servedAs } from './http-files.js';
import { UrlSigner } from './signing.js';

describe('parseRange', () => {
  it('reads one byte range, open-ended and suffix ranges, clamped to the file', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=50-5000', 100)).toEqual({ start: 50, end: 99 });
  });

  it('ignores what it cannot honour (the whole file is sent) and refuses ranges outside the file', () => {
    for (const h of [undefined, 'bytes=', 'bytes=-', 'items=0-1', 'bytes=0-1,5-6', 'bytes=9-3', 'bytes=a-b']) expect(parseRange(h, 100)).toBeNull();
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    expect(parseRange('bytes=99999999999999999999-', 100)).toBe('unsatisfiable');
  });
});

describe('servedAs', () => {
  it('shows pictures, audio and video inline and never serves active content as itself', () => {
    expect(servedAs('image/png', false)).toEqual({ contentType: 'image/png', inline: true });
    expect(servedAs('audio/ogg', false)).toEqual({ contentType: 'audio/ogg', inline: true });
    expect(servedAs('video/webm', true)).toEqual({ contentType: 'video/webm', inline: false });
    expect(servedAs('application/pdf', false)).toEqual({ contentType: 'application/pdf', inline: false });
    for (const active of ['text/html', 'image/svg+xml', 'application/xhtml+xml', 'text/xml', 'application/javascript', 'text/javascript', 'application/x-shockwave-flash']) {
      expect(servedAs(active, false)).toEqual({ contentType: 'application/octet-stream', inline: false });
    }
  });
});

describe('contentDisposition and cleanFileName', () => {
  it('quotes an ASCII fallback and gives the real name as RFC 8187 filename*', () => {
    expect(contentDisposition(true, null)).toBe('inline');
    expect(contentDisposition(false, 'report.pdf')).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
    expect(contentDisposition(false, 'a"b\\c;%d\r\n.txt')).toBe(`attachment; filename="a_b_c__d__.txt"; filename*=UTF-8''a%22b%5Cc%3B%25d%0D%0A.txt`);
    expect(contentDisposition(false, 'Grüße (1).txt')).toBe(`attachment; filename="Gr__e (1).txt"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%281%29.txt`);
  });

  it('keeps the last path segment without control or direction characters', () => {
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('C:\\Users\\me\\cat.jpg')).toBe('cat.jpg');
    expect(cleanFileName('evil\u202egpj.exe')).toBe('evilgpj.exe');
    expect(cleanFileName('a\u0000b\n.txt')).toBe('ab.txt');
    expect(cleanFileName('  ')).toBeNull();
    expect(cleanFileName('..')).toBeNull();
    expect(cleanFileName(undefined)).toBeNull();
    expect(cleanFileName('x'.repeat(300))).toHaveLength(255);
  });
});

describe('UrlSigner', () => {
  const signer = new UrlSigner('s'.repeat(32));
  const id = 'med_01JDQ3ZB7W8Q0K1S2V3X4Y5Z6A' as MediaId;

  it('accepts its own URLs until they expire, and nothing altered', () => {
    const url = new URL(signer.url(id, 'original', 2000), 'http://x');
    const exp = url.searchParams.get('exp')!;
    const sig = url.searchParams.get('sig')!;
    expect(url.pathname).toBe(`/v1/media/${id}/original`);
    expect(signer.check(id, 'original', exp, sig, 1999)).toBe('ok');
    expect(signer.check(id, 'original', exp, sig, 2001)).toBe('expired');
    expect(signer.check(id, 'thumbnail', exp, sig, 1000)).toBe('invalid');
    expect(signer.check(id, 'original', '3000', sig, 1000)).toBe('invalid');
    expect(signer.check('med_01JDQ3ZB7W8Q0K1S2V3X4Y5Z6B' as MediaId, 'original', exp, sig, 1000)).toBe('invalid');
    expect(signer.check(id, 'original', exp, 'AAAA', 1000)).toBe('invalid');
    expect(new UrlSigner('t'.repeat(32)).check(id, 'original', exp, sig, 1000)).toBe('invalid');
  });
});

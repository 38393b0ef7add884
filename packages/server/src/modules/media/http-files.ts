/**
 * The HTTP details of serving stored files: byte ranges (RFC 9110 §14), Content-Disposition
 * (RFC 6266 with RFC 8187 filename*), and which types may be shown by a browser at all.
 */

/** One satisfiable byte range, inclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The range a `Range` header asks of a `size`-byte file: null when the header is absent, not a
 * single `bytes=` range, or malformed (RFC 9110 says to ignore such a header and send the whole
 * file); 'unsatisfiable' when it lies outside the file (416). Several ranges are answered with
 * the whole file too (no multipart/byteranges): browsers and players ask for one.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (header === undefined) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    // Suffix: the last n bytes.
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (!Number.isSafeInteger(start) || start >= size) return 'unsatisfiable';
  if (end < start) return null;
  return { start, end };
}

/** Types a browser may render from our origin: still pictures, audio and video, nothing that runs. */
const INLINE = /^(?:image\/(?:jpeg|png|gif|webp|avif)|video\/(?:mp4|webm|quicktime)|audio\/[a-z0-9.+-]+)$/;

/** Types that execute or render markup when a browser opens them: never served as themselves. */
const ACTIVE = /(?:html|xml|svg|javascript|ecmascript|x-shockwave-flash)/i;

/**
 * How a stored file of type `mime` goes out: the Content-Type to send and whether it may be
 * inline. Active content (HTML, SVG, XML, scripts…) is sent as application/octet-stream and
 * as an attachment, so nothing an uploader wrote can run in the app's origin; `download` forces
 * an attachment for everything.
 */
export function servedAs(mime: string, download: boolean): { contentType: string; inline: boolean } {
  if (ACTIVE.test(mime)) return { contentType: 'application/octet-stream', inline: false };
  return { contentType: mime, inline: !download && INLINE.test(mime) };
}

/**
 * A Content-Disposition value: `inline` or `attachment`, with the file name as an ASCII fallback
 * (quotes, backslashes, control and non-ASCII characters replaced) and as RFC 8187 `filename*`.
 */
export function contentDisposition(inline: boolean, name: string | null): string {
  const kind = inline ? 'inline' : 'attachment';
  if (name === null || name === '') return kind;
  const ascii = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * The uploader's file name as we keep it: the last path segment, without control characters,
 * trimmed, at most 255 characters; null when nothing is left.
 */
export function cleanFileName(name: string | undefined): string | null {
  if (name === undefined) return null;
  const base = name.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '').trim().slice(0, 255);
  return clean === '' || clean === '.' || clean === '..' ? null : clean;
}

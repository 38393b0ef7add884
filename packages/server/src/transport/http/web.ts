import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/index.js';

/**
 * The Content-Security-Policy of every web-app response: only the app's own files, no inline
 * scripts or styles, no eval, no framing. connect-src 'self' covers the same-origin WebSocket.
 */
export const WEB_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Headers of every web-app response (files and the SPA fallback). */
export const WEB_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': WEB_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  // Microphone, camera and location for voice notes, calls and sharing a place; the rest off.
  'permissions-policy':
    'microphone=(self), camera=(self), geolocation=(self), display-capture=(), payment=(), usb=(), serial=(), hid=(), midi=(), accelerometer=(), gyroscope=(), magnetometer=(), xr-spatial-tracking=()',
};

/** Vite's content-hashed output: never changes under the same name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html, sw.js, the manifest, icons: revalidated on every use (ETag → 304). */
const REVALIDATE = 'no-cache';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
};

/** Other files are served as bytes (and, with nosniff, never guessed at by the browser). */
const FALLBACK_TYPE = 'application/octet-stream';

export const WEB_NOT_BUILT = 'The web app is not built: run npm run build:web (npm install and npm start build it too)';

export interface WebApp {
  /** Whether `<dir>/index.html` exists (checked once at startup for the warning; requests look again). */
  built(): boolean;
  /**
   * Answers a GET/HEAD the API routes did not match: a file of the directory, or index.html for
   * an HTML navigation (the SPA fallback); anything else goes to the not-found handler.
   */
  serve(req: FastifyRequest, reply: FastifyReply): Promise<void>;
}

interface FileInfo {
  size: number;
  mtimeMs: number;
  body: Buffer;
}

/**
 * Reads a regular file in one open (stat and content from the same descriptor, so a rebuild
 * swapping the directory between the two cannot mix versions). Null when there is no such file.
 */
async function readFileAt(file: string): Promise<FileInfo | null> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if (['ENOENT', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG'].includes((err as NodeJS.ErrnoException).code ?? '')) return null;
    throw err;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return null;
    return { size: st.size, mtimeMs: st.mtimeMs, body: await handle.readFile() };
  } finally {
    await handle.close();
  }
}

/**
 * The path's segments, percent-decoded; null when the path could name something outside the
 * directory (`.` or `..` segments, encoded slashes, backslashes or NULs, bad encoding).
 */
function segmentsOf(pathname: string): string[] | null {
  const out: string[] = [];
  for (const raw of pathname.slice(1).split('/')) {
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (s === '.' || s === '..' || /[/\\\0]/.test(s)) return null;
    out.push(s);
  }
  return out;
}

function weakMatch(header: string, etag: string): boolean {
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === bare;
  });
}

function notModified(req: FastifyRequest, etag: string, mtimeMs: number): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) return weakMatch(inm, etag);
  const ims = req.headers['if-modified-since'];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return !Number.isNaN(since) && Math.floor(mtimeMs / 1000) * 1000 <= since;
}

/** The built web app in `dir` (Vite's output: index.html, assets/, sw.js, the manifest, icons). */
export function createWebApp(dir: string): WebApp {
  const root = path.resolve(dir);
  const index = path.join(root, 'index.html');

  /** Sends `file` when it is a regular file (true); false when there is none. */
  async function sendFile(req: FastifyRequest, reply: FastifyReply, file: string, cacheControl: string): Promise<boolean> {
    const info = await readFileAt(file);
    if (info === null) return false;
    const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    reply
      .headers(WEB_SECURITY_HEADERS)
      .header('cache-control', cacheControl)
      .header('etag', etag)
      .header('last-modified', new Date(info.mtimeMs).toUTCString());
    if (notModified(req, etag, info.mtimeMs)) reply.code(304).send();
    else reply.header('content-type', CONTENT_TYPES[path.extname(file).toLowerCase()] ?? FALLBACK_TYPE).send(info.body);
    return true;
  }

  return {
    built: () => existsSync(index),
    async serve(req, reply) {
      const pathname = req.url.split('?', 1)[0] ?? '/';
      const segments = segmentsOf(pathname);
      if (segments === null || segments[0] === 'v1') return reply.callNotFound();
      // Dotfiles (e.g. the build stamp) and directories are never files of the app.
      const fileLike = segments.every((s) => s !== '' && !s.startsWith('.'));
      if (fileLike) {
        const cache = segments[0] === 'assets' ? IMMUTABLE : REVALIDATE;
        if (await sendFile(req, reply, path.join(root, ...segments), cache)) return reply;
      }
      const navigation = pathname === '/' || (req.headers.accept ?? '').includes('text/html');
      if (!navigation) return reply.callNotFound();
      if (await sendFile(req, reply, index, REVALIDATE)) return reply;
      throw new AppError('not_found', WEB_NOT_BUILT);
    },
  };
}

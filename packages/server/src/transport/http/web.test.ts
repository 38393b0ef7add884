import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordingHandlers, startTestApp, type TestApp } from './test-app.js';
import { WEB_CSP } from './web.js';

const INDEX = '<!doctype html><title>ottr</title><script type="module" src="/assets/app-abc123.js"></script>';
const FILES: Record<string, string> = {
  'index.html': INDEX,
  'assets/app-abc123.js': 'console.log("app")',
  'assets/app-abc123.css': 'body{margin:0}',
  'assets/inter-abc123.woff2': 'wOF2',
  'manifest.webmanifest': '{"name":"ottr"}',
  'sw.js': 'self.addEventListener("fetch",()=>{})',
  'icon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  'icon-192.png': 'PNG',
  '.build-stamp': 'stamp-secret',
};
const SECRET = 'outside-the-web-dir';

let base: string;
let webDir: string;
beforeAll(() => {
  base = mkdtempSync(path.join(tmpdir(), 'ottr-web-'));
  webDir = path.join(base, 'dist');
  for (const [name, body] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(webDir, name)), { recursive: true });
    writeFileSync(path.join(webDir, name), body);
  }
  writeFileSync(path.join(base, 'secret.txt'), SECRET);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const start = async (dir = webDir) => (t = await startTestApp(recordingHandlers(), { config: { web: { dir } } }));
const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

/** GET with the path sent as is (fetch and new URL() would resolve `%2e%2e` segments first). */
function rawGet(url: string, pathname: string): Promise<{ status: number; type: string; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path: pathname, headers: html }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function problemCode(res: Response): Promise<unknown> {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return ((await res.json()) as { code: unknown }).code;
}

describe('web app files', () => {
  it('serves each file with its content type, the CSP and the security headers', async () => {
    await start();
    const types: [string, string][] = [
      ['/assets/app-abc123.js', 'text/javascript; charset=utf-8'],
      ['/assets/app-abc123.css', 'text/css; charset=utf-8'],
      ['/assets/inter-abc123.woff2', 'font/woff2'],
      ['/manifest.webmanifest', 'application/manifest+json; charset=utf-8'],
      ['/sw.js', 'text/javascript; charset=utf-8'],
      ['/icon.svg', 'image/svg+xml'],
      ['/icon-192.png', 'image/png'],
      ['/index.html', 'text/html; charset=utf-8'],
    ];
    for (const [file, type] of types) {
      const res = await fetch(`${t!.url}${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type'), file).toBe(type);
      expect(await res.text(), file).toBe(FILES[file.slice(1)]);
      expect(res.headers.get('content-security-policy'), file).toBe(WEB_CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(res.headers.get('permissions-policy')).toMatch(/^microphone=\(self\), camera=\(self\), geolocation=\(self\), /);
    }
  });

  it('the CSP allows only the app itself: no inline code, no eval, no framing', () => {
    expect(WEB_CSP).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
    );
  });

  it('caches hashed /assets/ for a year and revalidates everything else', async () => {
    await start();
    expect((await fetch(`${t!.url}/assets/app-abc123.js`)).headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const file of ['/', '/index.html', '/sw.js', '/manifest.webmanifest', '/icon.svg']) {
      expect((await fetch(`${t!.url}${file}`)).headers.get('cache-control'), file).toBe('no-cache');
    }
  });

  it('answers 304 to a matching If-None-Match or a current If-Modified-Since, 200 to a stale one', async () => {
    await start();
    const first = await fetch(`${t!.url}/sw.js`);
    const etag = first.headers.get('etag')!;
    const modified = first.headers.get('last-modified')!;
    expect(etag).toMatch(/^W\/".+"$/);
    const byTag = await fetch(`${t!.url}/sw.js`, { headers: { 'if-none-match': etag } });
    expect(byTag.status).toBe(304);
    expect(byTag.headers.get('etag')).toBe(etag);
    expect(byTag.headers.get('cache-control')).toBe('no-cache');
    expect((await fetch(`${t!.url}/sw.js`, { headers: { 'if-modified-since': modified } })).status).toBe(304);
    expect((await fetch(`${t!.url}/sw.js`, { headers: { 'if-none-match': 'W/"other"' } })).status).toBe(200);
    expect((await fetch(`${t!.url}/sw.js`, { headers: { 'if-modified-since': new Date(0).toUTCString() } })).status).toBe(200);
  });

  it('answers HEAD with the headers and length of GET and no body', async () => {
    await start();
    const res = await fetch(`${t!.url}/assets/app-abc123.js`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('content-length')).toBe(String(FILES['assets/app-abc123.js']!.length));
    expect(res.headers.get('content-security-policy')).toBe(WEB_CSP);
    expect(await res.text()).toBe('');
    const nav = await fetch(`${t!.url}/settings`, { method: 'HEAD', headers: html });
    expect(nav.status).toBe(200);
    expect(nav.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });
});

describe('SPA fallback', () => {
  it('answers index.html to browser navigations of app paths', async () => {
    await start();
    for (const p of ['/', '/c/conv_123', '/settings', '/settings/', '/assets/missing.js']) {
      const res = await fetch(`${t!.url}${p}`, { headers: html });
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type'), p).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control'), p).toBe('no-cache');
      expect(res.headers.get('content-security-policy'), p).toBe(WEB_CSP);
      expect(await res.text(), p).toBe(INDEX);
    }
  });

  it('leaves clients that do not ask for HTML with the problem+json 404', async () => {
    await start();
    const res = await fetch(`${t!.url}/c/conv_123`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(404);
    expect(await problemCode(res)).toBe('route_not_found');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('never answers the app under /v1/: unknown routes stay route_not_found, wrong methods 405', async () => {
    await start();
    for (const p of ['/v1/nope', '/v1', '/v1/', '/v1/ws/extra']) {
      const res = await fetch(`${t!.url}${p}`, { headers: html });
      expect(res.status, p).toBe(404);
      expect(await problemCode(res), p).toBe('route_not_found');
    }
    const wrongMethod = await fetch(`${t!.url}/v1/auth/logout`, { headers: html });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    const post = await fetch(`${t!.url}/settings`, { method: 'POST', headers: html });
    expect(post.status).toBe(404);
    expect(await problemCode(post)).toBe('route_not_found');
  });

  it('keeps the fixed routes', async () => {
    await start();
    const res = await fetch(`${t!.url}/healthz`, { headers: html });
    expect(await res.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${t!.url}/openapi.json`, { headers: html })).headers.get('content-type')).toMatch(/^application\/json/);
  });
});

describe('what is not served', () => {
  it('never serves a file outside the directory, whatever the encoding', async () => {
    await start();
    for (const p of ['/..%2fsecret.txt', '/..%2f..%2fetc/passwd', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%5csecret.txt', '/%2e%2e%2fsecret.txt', '/index.html%00.js', '/%00', '/../secret.txt']) {
      const res = await rawGet(t!.url, p);
      expect(res.body, p).not.toContain(SECRET);
      expect(res.status, p).toBe(404);
      expect(res.type, p).toMatch(/^application\/problem\+json/);
    }
  });

  it('does not serve dotfiles (the build stamp)', async () => {
    await start();
    const res = await fetch(`${t!.url}/.build-stamp`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('stamp-secret');
    const nav = await fetch(`${t!.url}/.build-stamp`, { headers: html });
    expect(await nav.text()).toBe(INDEX);
  });

  it('with web.dir empty (the library default) there is no web app', async () => {
    t = await startTestApp(recordingHandlers());
    const res = await fetch(`${t.url}/`, { headers: html });
    expect(res.status).toBe(404);
    expect(await problemCode(res)).toBe('route_not_found');
  });
});

describe('web app not built', () => {
  it('starts, warns once how to build it, and answers / with a problem that says the same', async () => {
    await start(path.join(base, 'missing'));
    const warnings = t!.logs.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toContain('npm run build:web');
    for (const p of ['/', '/settings']) {
      const res = await fetch(`${t!.url}${p}`, { headers: html });
      expect(res.status, p).toBe(404);
      const body = (await res.json()) as { code: string; detail: string };
      expect(body.code, p).toBe('not_found');
      expect(body.detail, p).toContain('npm run build:web');
    }
    expect((await fetch(`${t!.url}/healthz`)).status).toBe(200);
  });
});

describe('observability', () => {
  it('counts web requests as route="web" and keeps them out of the info log', async () => {
    await start();
    await (await fetch(`${t!.url}/assets/app-abc123.js`)).text();
    await (await fetch(`${t!.url}/settings`, { headers: html })).text();
    await (await fetch(`${t!.url}/nope.js`)).text();
    const metrics = await t!.metrics.render();
    expect(metrics).toMatch(/http_requests_total\{route="web",status="200"\} 2/);
    expect(metrics).toMatch(/http_requests_total\{route="not_found",status="404"\} 1/);
    const requests = t!.logs.filter((l) => l.msg === 'request');
    expect(requests.filter((l) => l.route === 'web').every((l) => l.level === 20)).toBe(true);
    expect(requests.find((l) => l.route === 'not_found')?.level).toBe(30);
    expect(t!.logs.filter((l) => (l.level as number) >= 40)).toEqual([]);
  });

  it('sends nosniff on API responses too', async () => {
    await start();
    expect((await fetch(`${t!.url}/healthz`)).headers.get('x-content-type-options')).toBe('nosniff');
  });
});

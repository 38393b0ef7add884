import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ERRORS } from '@ottr/protocol';
import { rawRequest, recordingHandlers, startTestApp, type TestApp } from './test-app.js';

/**
 * The server never answers 500 to bad input: whatever a client sends, the answer is a success
 * or a 4xx problem with a protocol code. Inputs come from a seeded generator, so a failure
 * reproduces.
 */

const CNV = `cnv_${'5'.repeat(26)}`;
const MSG = `msg_${'6'.repeat(26)}`;
const ACC = `acc_${'7'.repeat(26)}`;
const AUTH = { authorization: 'Bearer alice-token' };
const JSON_TYPE = { 'content-type': 'application/json' };

interface BodyRoute {
  method: string;
  path: string;
  valid: unknown;
}

const BODY_ROUTES: BodyRoute[] = [
  { method: 'POST', path: '/v1/auth/code', valid: { phone: '+15551234567' } },
  { method: 'POST', path: `/v1/conversations/${CNV}/messages`, valid: { clientMsgId: 'c1', content: { kind: 'text', text: 'hi', mentions: [{ accountId: ACC, offset: 0, length: 2 }] }, replyTo: MSG } },
  { method: 'POST', path: `/v1/conversations/${CNV}/messages`, valid: { clientMsgId: 'c2', content: { kind: 'location', lat: 1.5, lng: 2.5 } } },
  { method: 'POST', path: `/v1/conversations/${CNV}/read`, valid: { seq: 3 } },
  { method: 'POST', path: '/v1/lookup', valid: { phones: ['+15551234567'], emails: ['a@example.com'] } },
];

const WRONG: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  'x'.repeat(70_000),
  '\ud800',
  '\u0000',
  [],
  [null],
  {},
  { __x: 1 },
  'acc_',
];

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function randomJson(rand: () => number, depth = 0): unknown {
  const pick = Math.floor(rand() * (depth > 4 ? 5 : 7));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return rand() < 0.5;
    case 2:
      return (rand() - 0.5) * 10 ** Math.floor(rand() * 30);
    case 3:
      return String.fromCharCode(...Array.from({ length: Math.floor(rand() * 20) }, () => Math.floor(rand() * 0xffff)));
    case 4:
      return Math.floor(rand() * 1000);
    case 5:
      return Array.from({ length: Math.floor(rand() * 5) }, () => randomJson(rand, depth + 1));
    default: {
      const keys = ['clientMsgId', 'content', 'kind', 'text', 'seq', 'phone', 'email', 'phones', 'emails', 'x', '__proto__x', 'constructor'];
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(rand() * 5); i > 0; i--) o[keys[Math.floor(rand() * keys.length)]!] = randomJson(rand, depth + 1);
      return o;
    }
  }
}

/** Every path to every value inside `v` (objects and arrays included). */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (Array.isArray(v)) v.forEach((x, i) => out.push([...prefix, i], ...paths(x, [...prefix, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push([...prefix, k], ...paths(x, [...prefix, k]));
  return out;
}

function replaced(v: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(v) as Record<string | number, unknown>;
  let cur = copy;
  for (const key of path.slice(0, -1)) cur = cur[key] as Record<string | number, unknown>;
  cur[path[path.length - 1]!] = value;
  return copy;
}

let t: TestApp;
beforeAll(async () => {
  // A budget no test reaches: these tests are about input, not rate limits.
  t = await startTestApp(recordingHandlers(), { config: { limits: { requestsPerAccount: { limit: 1_000_000, windowMs: 1000 } } } });
});
afterAll(() => t.close());

let failures: string[] = [];
beforeEach(() => {
  failures = [];
});
async function check(label: string, res: Response): Promise<void> {
  const text = await res.text();
  if (res.status >= 500) failures.push(`${label} → ${res.status} ${text.slice(0, 200)}`);
  else if (res.status >= 400) {
    const ok = (res.headers.get('content-type') ?? '').startsWith('application/problem+json') && (JSON.parse(text) as { code: string }).code in ERRORS;
    if (!ok) failures.push(`${label} → ${res.status} without a problem body: ${text.slice(0, 200)}`);
  }
}

function send(route: { method: string; path: string }, body: Buffer | string, headers: Record<string, string> = {}): Promise<Response> {
  return rawRequest(t.url, route.method, route.path, { ...AUTH, ...JSON_TYPE, ...headers }, Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'));
}

describe('garbage in, never a 500 out', () => {
  it('random bytes as a JSON body', async () => {
    const rand = mulberry32(1);
    for (const route of BODY_ROUTES) {
      for (let i = 0; i < 40; i++) {
        const bytes = Buffer.from(Array.from({ length: Math.floor(rand() * 600) }, () => Math.floor(rand() * 256)));
        await check(`${route.path} random bytes #${i}`, await send(route, bytes));
      }
    }
    expect(failures).toEqual([]);
  });

  it('random JSON values as the body', async () => {
    const rand = mulberry32(2);
    for (const route of BODY_ROUTES) {
      for (let i = 0; i < 60; i++) {
        const value = randomJson(rand);
        await check(`${route.path} ${JSON.stringify(value).slice(0, 80)}`, await send(route, JSON.stringify(value)));
      }
    }
    expect(failures).toEqual([]);
  });

  it('a wrong type in every field of valid bodies', async () => {
    for (const route of BODY_ROUTES) {
      const res = await send(route, JSON.stringify(route.valid));
      expect(res.status, `${route.path} accepts its valid body`).toBeLessThan(300);
      for (const path of paths(route.valid)) {
        for (const wrong of WRONG) {
          const body = replaced(route.valid, path, wrong);
          await check(`${route.path} ${path.join('.')}=${JSON.stringify(wrong).slice(0, 40)}`, await send(route, JSON.stringify(body)));
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('huge and odd numbers written as JSON text', async () => {
    const numbers = ['1e309', '-1e309', '1e-400', '-0', '123456789012345678901234567890', '9007199254740993', '0.1e1', '1E2', '00', '01', '+1', 'NaN', 'Infinity', '0x10'];
    for (const n of numbers) {
      await check(`read seq=${n}`, await send(BODY_ROUTES[3]!, `{"seq": ${n}}`));
      await check(`send mention offset=${n}`, await send(BODY_ROUTES[1]!, `{"clientMsgId":"c","content":{"kind":"text","text":"hi","mentions":[{"accountId":"${ACC}","offset":${n},"length":1}]}}`));
      await check(`send lat=${n}`, await send(BODY_ROUTES[2]!, `{"clientMsgId":"c","content":{"kind":"location","lat":${n},"lng":1}}`));
    }
    expect(failures).toEqual([]);
  });

  it('deeply nested JSON, at the top and inside fields', async () => {
    const depth = 100_000;
    const arrays = '['.repeat(depth) + ']'.repeat(depth);
    const objects = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
    for (const route of BODY_ROUTES) {
      await check(`${route.path} nested arrays`, await send(route, arrays));
      await check(`${route.path} nested objects`, await send(route, objects));
    }
    await check('nested content', await send(BODY_ROUTES[1]!, `{"clientMsgId":"c","content":${arrays}}`));
    await check('nested mentions', await send(BODY_ROUTES[1]!, `{"clientMsgId":"c","content":{"kind":"text","text":"x","mentions":${objects}}}`));
    await check('unclosed nesting', await send(BODY_ROUTES[4]!, '['.repeat(200_000)));
    expect(failures).toEqual([]);
  });

  it('invalid UTF-8 in bodies, paths and query strings', async () => {
    const bad = [Buffer.from([0xff]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from([0xe2, 0x82])];
    for (const b of bad) {
      const body = Buffer.concat([Buffer.from('{"clientMsgId":"'), b, Buffer.from('","content":{"kind":"text","text":"x"}}')]);
      await check(`utf8 ${b.toString('hex')}`, await send(BODY_ROUTES[1]!, body));
    }
    for (const enc of ['%FF', '%C0%AF', '%ED%A0%80', '%E2%82', '%', '%%', '%zz']) {
      await check(`path ${enc}`, await rawRequest(t.url, 'GET', `/v1/accounts/${enc}`, AUTH));
      await check(`emoji ${enc}`, await rawRequest(t.url, 'PUT', `/v1/messages/${MSG}/reactions/${enc}`, AUTH));
      await check(`query ${enc}`, await rawRequest(t.url, 'GET', `/v1/search?q=${enc}&limit=${enc}`, AUTH));
    }
    expect(failures).toEqual([]);
  });

  it('path parameters that are not ids', async () => {
    const values = ['x', '..', '%2e%2e', '%2F', 'acc_', `acc_${'0'.repeat(25)}`, `acc_${'0'.repeat(27)}`, `acc_${'u'.repeat(26)}`, `cnv_${'0'.repeat(26)}`, 'x'.repeat(500), '%00', '%F0%9F%98%80', "'%20OR%201=1", `acc_${'0'.repeat(26)}%0A`];
    for (const v of values) {
      await check(`account ${v.slice(0, 30)}`, await rawRequest(t.url, 'GET', `/v1/accounts/${v}`, AUTH));
      await check(`events ${v.slice(0, 30)}`, await rawRequest(t.url, 'GET', `/v1/conversations/${v}/events`, AUTH));
      await check(`reaction ${v.slice(0, 30)}`, await rawRequest(t.url, 'PUT', `/v1/messages/${v}/reactions/${v}`, AUTH));
      await check(`send ${v.slice(0, 30)}`, await send({ method: 'POST', path: `/v1/conversations/${v}/messages` }, JSON.stringify(BODY_ROUTES[1]!.valid)));
    }
    expect(failures).toEqual([]);
  });

  it('query strings of every shape', async () => {
    const rand = mulberry32(3);
    const queries = ['limit=', 'limit=-1', 'limit=1.5', 'limit=99999999999999999999', 'limit[]=1', 'limit[a]=1', 'archived=', 'archived=TRUE', 'cursor=' + 'x'.repeat(5000), '__proto__[x]=1', 'constructor=1', '&&&', '=', '==', 'a=1&a=2&a=3', 'limit=1&limit=1'];
    // Random text, percent-encoded as UTF-8 (lone surrogates become U+FFFD).
    const enc = (v: unknown) => encodeURIComponent(String(v).replace(/[\ud800-\udfff]/g, '\ufffd'));
    for (let i = 0; i < 40; i++) queries.push(`${enc(randomJson(rand))}=${enc(randomJson(rand))}`);
    for (const q of queries) {
      await check(`conversations?${q.slice(0, 40)}`, await rawRequest(t.url, 'GET', `/v1/conversations?${q}`, AUTH));
      await check(`events?${q.slice(0, 40)}`, await rawRequest(t.url, 'GET', `/v1/conversations/${CNV}/events?${q.replace('limit', 'before')}`, AUTH));
      await check(`search?${q.slice(0, 40)}`, await rawRequest(t.url, 'GET', `/v1/search?q=x&${q}`, AUTH));
      await check(`presence?${q.slice(0, 40)}`, await rawRequest(t.url, 'GET', `/v1/presence?${q}`, AUTH));
    }
    expect(failures).toEqual([]);
  });

  it('odd headers', async () => {
    const headers: Record<string, string>[] = [
      { authorization: `Bearer ${'x'.repeat(8000)}` },
      { authorization: 'Bearer a b c' },
      { authorization: 'Bearer\ttab' },
      { authorization: '' },
      { ...AUTH, 'content-type': 'application/json; charset=latin1' },
      { ...AUTH, 'content-type': 'application/json;;;' },
      { ...AUTH, 'content-type': 'application/jsonx' },
      { ...AUTH, 'content-type': '*/*' },
      { ...AUTH, 'content-type': '' },
      { ...AUTH, 'content-encoding': 'gzip' },
    ];
    for (const h of headers) {
      await check(`headers ${JSON.stringify(h).slice(0, 60)}`, await rawRequest(t.url, 'POST', '/v1/lookup', { ...JSON_TYPE, ...h }, Buffer.from('{"phones":[]}')));
    }
    expect(failures).toEqual([]);
  });

  it('bytes that are not HTTP at all get no 500', async () => {
    const rand = mulberry32(4);
    const port = Number(new URL(t.url).port);
    for (let i = 0; i < 10; i++) {
      const bytes = Buffer.from(Array.from({ length: 200 }, () => Math.floor(rand() * 256)));
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
        let data = '';
        socket.on('data', (c: Buffer) => (data += c.toString('latin1')));
        socket.on('close', () => resolve(data));
        socket.on('error', reject);
      });
      expect(answer).not.toMatch(/^HTTP\/1\.[01] 5/);
    }
  });
});

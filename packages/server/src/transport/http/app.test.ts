import { afterEach, describe, expect, it } from 'vitest';
import { problemType } from '@ottr/protocol';
import { AppError } from '../../errors/index.js';
import type { HttpHandlers } from '../../handlers.js';
import { ALICE, recordingHandlers, startTestApp, type Call, type TestApp } from './test-app.js';

const CNV = `cnv_${'5'.repeat(26)}`;
const MSG = `msg_${'6'.repeat(26)}`;
const auth = (token = 'alice-token') => ({ authorization: `Bearer ${token}` });
const json = { 'content-type': 'application/json' };

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function problem(res: Response): Promise<Record<string, unknown>> {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await res.json()) as Record<string, unknown>;
}

describe('routes', () => {
  it('serves a route with a handler and validates its body; the handler gets typed input and the auth context', async () => {
    const calls: Call[] = [];
    t = await startTestApp(recordingHandlers(calls));
    const res = await fetch(`${t.url}/v1/conversations/${CNV}/messages`, {
      method: 'POST',
      headers: { ...auth(), ...json },
      body: JSON.stringify({ clientMsgId: 'c1', content: { kind: 'text', text: 'hi' } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as { event: { seq: number; content: unknown } };
    expect(body.event.content).toEqual({ kind: 'text', text: 'hi' });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.ctx.auth).toEqual(ALICE);
    expect(calls[0]!.ctx.ip).toBe('127.0.0.1');
    expect(calls[0]!.input).toEqual({ params: { conversationId: CNV }, query: undefined, body: { clientMsgId: 'c1', content: { kind: 'text', text: 'hi' } } });
  });

  it('answers 204 with no body for routes without a response', async () => {
    t = await startTestApp(recordingHandlers());
    const res = await fetch(`${t.url}/v1/auth/logout`, { method: 'POST', headers: auth() });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('does not serve routes whose handler is absent', async () => {
    t = await startTestApp({});
    const res = await fetch(`${t.url}/v1/me`, { headers: auth() });
    expect(res.status).toBe(404);
    expect((await problem(res)).code).toBe('route_not_found');
  });

  it('converts query strings to the integers and booleans the schema asks for', async () => {
    const calls: Call[] = [];
    t = await startTestApp(recordingHandlers(calls));
    const res = await fetch(`${t.url}/v1/conversations?limit=25&archived=true&cursor=abc`, { headers: auth() });
    expect(res.status).toBe(200);
    expect(calls[0]!.input).toEqual({ params: undefined, query: { limit: 25, archived: true, cursor: 'abc' }, body: undefined });
  });

  it.each([
    ['limit=abc', 'query.limit: Expected integer'],
    ['limit=1e3', 'query.limit: Expected integer'],
    ['limit=0x10', 'query.limit: Expected integer'],
    ['limit=101', 'query.limit: Expected integer to be less or equal to 100'],
    ['limit=1&limit=2', 'query.limit: Expected integer'],
    ['archived=yes', 'query.archived: Expected boolean'],
    ['unknown=1', 'query.unknown: Unexpected property'],
  ])('rejects query %s with a readable detail', async (query, detail) => {
    t = await startTestApp(recordingHandlers());
    const res = await fetch(`${t.url}/v1/conversations?${query}`, { headers: auth() });
    expect(res.status).toBe(400);
    const p = await problem(res);
    expect(p.code).toBe('validation_failed');
    expect(p.detail).toContain(detail);
  });

  it('explains a body that fails a union by the closest variant', async () => {
    t = await startTestApp(recordingHandlers());
    const res = await fetch(`${t.url}/v1/conversations/${CNV}/messages`, {
      method: 'POST',
      headers: { ...auth(), ...json },
      body: JSON.stringify({ clientMsgId: 'c1', content: { kind: 'text', text: 5 } }),
    });
    expect(res.status).toBe(400);
    expect((await problem(res)).detail).toBe('body.content.text: Expected string');
  });

  it('rejects path parameters that are not ids of the right kind', async () => {
    t = await startTestApp(recordingHandlers());
    const res = await fetch(`${t.url}/v1/accounts/${CNV}`, { headers: auth() });
    expect(res.status).toBe(400);
    expect((await problem(res)).detail).toMatch(/^params\.accountId: Expected string to match/);
  });

  it('decodes percent-encoded path parameters (emoji reactions)', async () => {
    const calls: Call[] = [];
    t = await startTestApp(recordingHandlers(calls));
    const res = await fetch(`${t.url}/v1/messages/${MSG}/reactions/${encodeURIComponent('👍')}`, { method: 'PUT', headers: auth() });
    expect(res.status).toBe(200);
    expect((calls[0]!.input as { params: unknown }).params).toEqual({ messageId: MSG, emoji: '👍' });
  });

  it('turns an AppError thrown by a handler into its problem, and anything else into a 500 without internals', async () => {
    t = await startTestApp({
      getMe: async () => {
        throw new AppError('not_member', 'You left this conversation');
      },
      listDevices: async () => {
        throw new Error('database exploded at /srv/secret/path');
      },
    });
    const res = await fetch(`${t.url}/v1/me`, { headers: auth() });
    expect(res.status).toBe(403);
    expect(await problem(res)).toEqual({
      type: problemType('not_member'),
      title: 'Not a member of this conversation',
      status: 403,
      code: 'not_member',
      detail: 'You left this conversation',
      retryable: false,
    });

    const res2 = await fetch(`${t.url}/v1/me/devices`, { headers: auth() });
    expect(res2.status).toBe(500);
    const text = await res2.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'internal', status: 500, retryable: true });
    expect(text).not.toContain('exploded');
    expect(text).not.toContain('/srv');
    const logged = t.logs.find((l) => l.msg === 'internal error');
    expect((logged?.err as { message?: string } | undefined)?.message).toContain('database exploded');
  });

  it('reports a handler whose response does not match its schema (checkResponses)', async () => {
    t = await startTestApp({ lookup: async () => ({ matches: 'nope' }) as never });
    const res = await fetch(`${t.url}/v1/lookup`, { method: 'POST', headers: { ...auth(), ...json }, body: JSON.stringify({ phones: [] }) });
    expect(res.status).toBe(500);
    expect((await problem(res)).detail).toContain('response.matches: Expected array');
  });
});

describe('authentication and rate limits', () => {
  it.each([
    [undefined, 'unauthorized'],
    ['Basic dXNlcjpwYXNz', 'unauthorized'],
    ['Bearer', 'unauthorized'],
    ['Bearer nobody', 'unauthorized'],
    ['Bearer expired-token', 'token_expired'],
  ])('answers 401 for Authorization %s', async (header, code) => {
    t = await startTestApp(recordingHandlers());
    const res = await fetch(`${t.url}/v1/me`, { headers: header === undefined ? {} : { authorization: header } });
    expect(res.status).toBe(401);
    expect((await problem(res)).code).toBe(code);
  });

  it('authenticates before it parses the body', async () => {
    t = await startTestApp(recordingHandlers());
    const res = await fetch(`${t.url}/v1/lookup`, { method: 'POST', headers: json, body: '{not json' });
    expect(res.status).toBe(401);
  });

  it('accepts the scheme in any case', async () => {
    t = await startTestApp(recordingHandlers());
    expect((await fetch(`${t.url}/v1/me`, { headers: { authorization: 'bearer alice-token' } })).status).toBe(200);
  });

  it('does not ask for a token on sign-in routes', async () => {
    t = await startTestApp(recordingHandlers());
    const res = await fetch(`${t.url}/v1/auth/code`, { method: 'POST', headers: json, body: JSON.stringify({ email: 'A@example.com' }) });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ identifier: 'a@example.com', channel: 'email', expiresAt: 1 });
  });

  it('limits requests per account with 429 rate_limited and Retry-After', async () => {
    t = await startTestApp(recordingHandlers(), { config: { limits: { requestsPerAccount: { limit: 3, windowMs: 60_000 } } } });
    for (let i = 0; i < 3; i++) expect((await fetch(`${t.url}/v1/me`, { headers: auth() })).status).toBe(200);
    const res = await fetch(`${t.url}/v1/me`, { headers: auth() });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await problem(res)).toMatchObject({ code: 'rate_limited', retryable: true, retryAfter: 2 });
    // Another account has its own budget.
    expect((await fetch(`${t.url}/v1/me`, { headers: auth('bob-token') })).status).toBe(200);
  });
});

describe('built-in endpoints', () => {
  it('GET /healthz is 200 while the process runs', async () => {
    t = await startTestApp({});
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz follows readiness()', async () => {
    let ready = false;
    t = await startTestApp({}, { readiness: async () => ready });
    const res = await fetch(`${t.url}/readyz`);
    expect(res.status).toBe(503);
    expect((await problem(res)).code).toBe('unavailable');
    ready = true;
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });

  it('GET /readyz is 503 when readiness() throws', async () => {
    t = await startTestApp({}, { readiness: () => Promise.reject(new Error('db down')) });
    expect((await fetch(`${t.url}/readyz`)).status).toBe(503);
  });

  it('GET /metrics counts requests by operation id and errors by code', async () => {
    t = await startTestApp(recordingHandlers());
    await fetch(`${t.url}/v1/me`, { headers: auth() });
    await fetch(`${t.url}/v1/me`);
    await fetch(`${t.url}/v1/nope/${CNV}`);
    const res = await fetch(`${t.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('http_requests_total{route="getMe",status="200"} 1');
    expect(text).toContain('http_requests_total{route="getMe",status="401"} 1');
    expect(text).toContain('http_requests_total{route="not_found",status="404"} 1');
    expect(text).toContain('errors_total{code="unauthorized"} 1');
    expect(text).not.toContain(CNV);
  });

  it('GET /openapi.json serves the document with the configured server URL', async () => {
    t = await startTestApp({}, { openApiServerUrl: 'https://chat.example.com' });
    const res = await fetch(`${t.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; servers: { url: string }[] };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: 'https://chat.example.com' }]);
  });
});

describe('request logging', () => {
  it('logs one line per request without tokens or one-time codes', async () => {
    t = await startTestApp(recordingHandlers());
    await fetch(`${t.url}/v1/me?token=secret-in-query`, { headers: auth() });
    await fetch(`${t.url}/v1/me`, { headers: auth('expired-token') });
    const lines = t.logs.filter((l) => l.msg === 'request');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ method: 'GET', route: 'getMe', status: 200, url: '/v1/me?token=[Redacted]' });
    expect(lines[1]).toMatchObject({ route: 'getMe', status: 401 });
    expect(t.rawLogs()).not.toContain('alice-token');
    expect(t.rawLogs()).not.toContain('expired-token');
    expect(t.rawLogs()).not.toContain('secret-in-query');
  });
});

describe('admin routes', () => {
  const ACC = `acc_${'7'.repeat(26)}`;
  const adminToken = 'the-admin-token';
  const adminCalls: Call[] = [];
  const handlers: HttpHandlers = {
    ...recordingHandlers(),
    adminUnsuspendAccount: async (ctx, input) => {
      adminCalls.push({ route: 'adminUnsuspendAccount', ctx, input });
      return { id: input.params.accountId, phone: null, email: null, displayName: 'x', createdAt: 1, lastSeenAt: null, suspendedAt: null, deletedAt: null, devices: 0 };
    },
  };
  const checks: [string | null, string][] = [];
  const authenticateAdmin = async (token: string | null, ip: string) => {
    checks.push([token, ip]);
    if (token !== adminToken) throw new AppError('unauthorized', 'Wrong admin token');
  };

  it('checks the bearer token with authenticateAdmin, never as a device token; handlers get { auth: null, admin: true }', async () => {
    adminCalls.length = 0;
    checks.length = 0;
    t = await startTestApp(handlers, { authenticateAdmin });
    const url = `${t.url}/v1/admin/accounts/${ACC}/unsuspend`;
    const ok = await fetch(url, { method: 'POST', headers: auth(adminToken) });
    expect(ok.status).toBe(200);
    expect(adminCalls.map((c) => c.ctx)).toEqual([{ auth: null, admin: true, ip: '127.0.0.1' }]);
    expect(adminCalls[0]!.input).toEqual({ params: { accountId: ACC }, query: undefined, body: undefined });

    const device = await fetch(url, { method: 'POST', headers: auth('alice-token') });
    expect(device.status).toBe(401);
    expect(await fetch(url, { method: 'POST' }).then(problem)).toMatchObject({ code: 'unauthorized' });
    expect(checks).toEqual([[adminToken, '127.0.0.1'], ['alice-token', '127.0.0.1'], [null, '127.0.0.1']]);
    expect(adminCalls).toHaveLength(1);
    // …and the admin token is not a device token.
    expect((await fetch(`${t.url}/v1/me`, { headers: auth(adminToken) })).status).toBe(401);
  });

  it('an admin handler without authenticateAdmin is a startup error', async () => {
    await expect(startTestApp(handlers)).rejects.toThrow(/adminUnsuspendAccount is an admin route: createHttpApp needs authenticateAdmin/);
  });
});

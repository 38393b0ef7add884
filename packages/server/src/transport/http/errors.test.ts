import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS, LIMITS, problemType } from '@ottr/protocol';
import { rawRequest, recordingHandlers, startTestApp, type TestApp } from './test-app.js';

const CNV = `cnv_${'5'.repeat(26)}`;
const auth = { authorization: 'Bearer alice-token' };
const json = { 'content-type': 'application/json' };

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(recordingHandlers());
});
afterAll(() => t.close());

async function expectProblem(res: Response, status: number, code: string): Promise<Record<string, unknown>> {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await res.json()) as Record<string, unknown>;
  expect({ status: res.status, code: body.code }).toEqual({ status, code });
  expect(body).toMatchObject({ type: problemType(code as keyof typeof ERRORS), status, title: ERRORS[code as keyof typeof ERRORS].title });
  expect(typeof body.detail).toBe('string');
  expect(typeof body.retryable).toBe('boolean');
  return body;
}

const raw = (method: string, path: string, headers: Record<string, string>, body?: Buffer) => rawRequest(t.url, method, path, headers, body);

describe('the error edge maps request problems to RFC 9457 problems', () => {
  it('malformed JSON → 400 malformed_json', async () => {
    await expectProblem(await fetch(`${t.url}/v1/lookup`, { method: 'POST', headers: { ...auth, ...json }, body: '{"phones": [' }), 400, 'malformed_json');
  });

  it('invalid UTF-8 in the body → 400 malformed_json (not silently replaced)', async () => {
    const body = Buffer.concat([Buffer.from('{"phones": ["'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"]}')]);
    const p = await expectProblem(await raw('POST', '/v1/lookup', { ...auth, ...json }, body), 400, 'malformed_json');
    expect(p.detail).toContain('UTF-8');
  });

  it('prototype poisoning → 400 malformed_json', async () => {
    await expectProblem(await fetch(`${t.url}/v1/lookup`, { method: 'POST', headers: { ...auth, ...json }, body: '{"phones": [], "__proto__": {"admin": true}}' }), 400, 'malformed_json');
  });

  it('a body over LIMITS.bodyBytes → 413 payload_too_large', async () => {
    const body = JSON.stringify({ phones: ['x'.repeat(LIMITS.bodyBytes)] });
    await expectProblem(await fetch(`${t.url}/v1/lookup`, { method: 'POST', headers: { ...auth, ...json }, body }), 413, 'payload_too_large');
  });

  it('a body that is not application/json → 415 unsupported_media_type', async () => {
    await expectProblem(await fetch(`${t.url}/v1/lookup`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: '{}' }), 415, 'unsupported_media_type');
    await expectProblem(await fetch(`${t.url}/v1/lookup`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' }), 415, 'unsupported_media_type');
    await expectProblem(await raw('POST', '/v1/lookup', auth, Buffer.from('{}')), 415, 'unsupported_media_type');
  });

  it('accepts application/json with a charset parameter', async () => {
    const res = await fetch(`${t.url}/v1/lookup`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json; charset=utf-8' }, body: '{"phones":[]}' });
    expect(res.status).toBe(200);
  });

  it('an empty JSON body counts as no body: fine where none is needed, a validation error where one is', async () => {
    expect((await raw('POST', '/v1/auth/logout', { ...auth, ...json }, Buffer.alloc(0))).status).toBe(204);
    const p = await expectProblem(await raw('POST', '/v1/lookup', { ...auth, ...json }, Buffer.alloc(0)), 400, 'validation_failed');
    expect(p.detail).toBe('body: Expected object');
  });

  it('schema failures name the field and what was expected', async () => {
    const p = await expectProblem(
      await fetch(`${t.url}/v1/conversations/${CNV}/read`, { method: 'POST', headers: { ...auth, ...json }, body: '{"seq": "7", "extra": 1}' }),
      400,
      'validation_failed',
    );
    expect(p.detail).toContain('body.seq: Expected integer');
    expect(p.detail).toContain('body.extra: Unexpected property');
  });

  it('numbers beyond 2^53 are rejected, not rounded', async () => {
    const p = await expectProblem(
      await fetch(`${t.url}/v1/conversations/${CNV}/read`, { method: 'POST', headers: { ...auth, ...json }, body: '{"seq": 123456789012345678901234567890}' }),
      400,
      'validation_failed',
    );
    expect(p.detail).toBe('body.seq: number out of range (beyond ±2^53−1)');
  });

  it('an unknown route → 404 route_not_found', async () => {
    await expectProblem(await fetch(`${t.url}/v1/nothing-here`), 404, 'route_not_found');
    await expectProblem(await fetch(`${t.url}/`), 404, 'route_not_found');
    await expectProblem(await fetch(`${t.url}/v1/nothing-here`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }), 404, 'route_not_found');
  });

  it('a known path with a method it does not serve → 405 method_not_allowed with Allow', async () => {
    const res = await fetch(`${t.url}/v1/me`, { method: 'POST', headers: auth });
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    await expectProblem(res, 405, 'method_not_allowed');

    const res2 = await fetch(`${t.url}/v1/conversations/${CNV}/messages`, { method: 'GET', headers: auth });
    expect(res2.headers.get('allow')).toBe('POST');
    await expectProblem(res2, 405, 'method_not_allowed');

    const res3 = await fetch(`${t.url}/healthz`, { method: 'DELETE' });
    expect(res3.headers.get('allow')).toBe('GET, HEAD');
    await expectProblem(res3, 405, 'method_not_allowed');
  });

  it('a malformed URL → 400 bad_request', async () => {
    await expectProblem(await raw('GET', '/v1/accounts/%E0%A4%A', auth), 400, 'bad_request');
  });
});

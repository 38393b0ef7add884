import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type RouteSpec } from '@ottr/protocol';
import { startTestApp, type TestApp } from './test-app.js';

type Json = Record<string, unknown>;
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const JSON_SCHEMA_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);

let t: TestApp;
let doc: Json;
beforeAll(async () => {
  t = await startTestApp({});
  const res = await fetch(`${t.url}/openapi.json`);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  doc = (await res.json()) as Json;
});
afterAll(() => t.close());

/** The route's schema as JSON (TypeBox's symbol keys dropped), as the document should hold it. */
const plain = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema)) as unknown;

function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let cur: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object' || !(key in cur)) return undefined;
    cur = (cur as Json)[key];
  }
  return cur;
}

/** Every object inside `v`, with its JSON path. */
function* walk(v: unknown, path = '#'): Generator<[Json, string]> {
  if (Array.isArray(v)) for (const [i, x] of v.entries()) yield* walk(x, `${path}/${i}`);
  else if (v !== null && typeof v === 'object') {
    yield [v as Json, path];
    for (const [k, x] of Object.entries(v)) yield* walk(x, `${path}/${k}`);
  }
}

describe('/openapi.json', () => {
  it('is OpenAPI 3.1 in structure', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    const info = doc.info as Json;
    expect(typeof info.title).toBe('string');
    expect(typeof info.version).toBe('string');
    const paths = doc.paths as Record<string, Json>;
    expect(Object.keys(paths).length).toBeGreaterThan(0);
    const operationIds: string[] = [];
    const schemes = Object.keys(((doc.components as Json).securitySchemes as Json | undefined) ?? {});
    for (const [path, item] of Object.entries(paths)) {
      expect(path.startsWith('/'), path).toBe(true);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item) as [string, Json][]) {
        expect(METHODS.has(method), `${path} ${method}`).toBe(true);
        expect(typeof op.operationId).toBe('string');
        operationIds.push(op.operationId as string);
        const responses = op.responses as Json;
        expect(Object.keys(responses).length).toBeGreaterThan(0);
        for (const status of Object.keys(responses)) expect(status).toMatch(/^(?:[1-5][0-9]{2}|[1-5]XX|default)$/);
        const params = (op.parameters as Json[] | undefined) ?? [];
        const inPath = params.filter((p) => p.in === 'path').map((p) => p.name);
        expect(inPath.sort(), `${method} ${path} declares each path parameter`).toEqual([...templated].sort());
        for (const p of params) {
          expect(['path', 'query', 'header', 'cookie']).toContain(p.in);
          if (p.in === 'path') expect(p.required).toBe(true);
          expect(p.schema).toBeTypeOf('object');
        }
        for (const requirement of (op.security as Json[] | undefined) ?? []) {
          for (const name of Object.keys(requirement)) expect(schemes).toContain(name);
        }
      }
    }
    expect(new Set(operationIds).size, 'operationIds are unique').toBe(operationIds.length);
  });

  it('resolves every $ref inside the document', () => {
    let refs = 0;
    for (const [node, path] of walk(doc)) {
      if (typeof node.$ref !== 'string') continue;
      refs++;
      expect(resolvePointer(doc, node.$ref), `${path}: ${node.$ref}`).toBeDefined();
    }
    expect(refs).toBeGreaterThan(0);
  });

  it('holds only JSON Schema types and consistent `required` lists', () => {
    for (const [node, path] of walk(doc)) {
      if (typeof node.type === 'string' && (path.includes('/schema') || path.includes('/schemas/'))) {
        expect(JSON_SCHEMA_TYPES.has(node.type), `${path}: type ${node.type}`).toBe(true);
      }
      if (Array.isArray(node.required) && node.properties) {
        for (const name of node.required as string[]) expect(Object.keys(node.properties as Json), `${path} requires ${name}`).toContain(name);
      }
    }
  });

  it.each(Object.entries(ROUTES) as [string, RouteSpec][])('documents %s with its schemas', (id, spec) => {
    const op = (doc.paths as Record<string, Json>)[spec.path]?.[spec.method.toLowerCase()] as Json | undefined;
    expect(op, `${spec.method} ${spec.path}`).toBeDefined();
    expect(op!.operationId).toBe(id);
    const responses = op!.responses as Json;
    const success = responses[String(spec.status)] as Json;
    expect(success).toBeDefined();
    if (spec.response) expect(((success.content as Json)['application/json'] as Json).schema).toEqual(plain(spec.response));
    else expect(success.content).toBeUndefined();
    if (spec.body) expect((((op!.requestBody as Json).content as Json)['application/json'] as Json).schema).toEqual(plain(spec.body));
    else expect(op!.requestBody).toBeUndefined();
    const params = (op!.parameters as Json[]) ?? [];
    for (const [where, schema] of [
      ['path', spec.params],
      ['query', spec.query],
    ] as const) {
      const props = ((schema as { properties?: Json } | undefined)?.properties ?? {});
      const documented = params.filter((p) => p.in === where);
      expect(documented.map((p) => p.name).sort()).toEqual(Object.keys(props).sort());
      for (const p of documented) expect(p.schema).toEqual(plain(props[p.name as string]));
    }
    expect(op!.security).toEqual(spec.auth === 'admin' ? [{ admin: [] }] : spec.auth ? [{ bearer: [] }] : []);
  });
});

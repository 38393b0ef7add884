import type { TSchema } from '@sinclair/typebox';
import { ROUTES, type RouteSpec } from './routes.js';
import { BINARY_ROUTES, TUS_PATH, type BinaryRouteSpec } from './media.js';
import { ERRORS, ERROR_CODES } from './errors.js';
import { PROTOCOL_VERSION } from './frames.js';

const ProblemJsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status', 'code', 'retryable'],
  properties: {
    type: { type: 'string', description: 'urn:ottr:problem:<code>' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string', enum: ERROR_CODES },
    detail: { type: 'string' },
    retryable: { type: 'boolean' },
    retryAfter: { type: 'integer', description: 'Seconds (rate limits)' },
  },
};

/** JSON Schema without TypeBox's symbol keys (they are not enumerable by JSON anyway). */
function plain(schema: TSchema): unknown {
  return JSON.parse(JSON.stringify(schema)) as unknown;
}

function parameters(spec: RouteSpec | BinaryRouteSpec): unknown[] {
  const out: unknown[] = [];
  for (const [where, schema] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (!schema) continue;
    const props = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
    const required = new Set((schema as { required?: string[] }).required ?? []);
    for (const [name, s] of Object.entries(props)) {
      out.push({ name, in: where, required: where === 'path' || required.has(name), schema: plain(s) });
    }
  }
  return out;
}

/** The OpenAPI 3.1 document of the REST API, generated from the route table. */
export function openApiDocument(serverUrl?: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [operationId, route] of Object.entries(ROUTES) as [string, RouteSpec][]) {
    const errorStatuses = [...new Set(Object.values(ERRORS).map((e) => e.status))].sort();
    const responses: Record<string, unknown> = {
      [String(route.status)]: route.response
        ? { description: 'Success', content: { 'application/json': { schema: plain(route.response) } } }
        : { description: 'Success, no content' },
    };
    for (const status of errorStatuses) {
      responses[String(status)] = { $ref: '#/components/responses/Problem' };
    }
    const op: Record<string, unknown> = {
      operationId,
      summary: route.summary,
      tags: [route.tag],
      parameters: parameters(route),
      responses,
    };
    op.security = route.auth === 'admin' ? [{ admin: [] }] : route.auth ? [{ bearer: [] }] : [];
    if (route.body) op.requestBody = { required: true, content: { 'application/json': { schema: plain(route.body) } } };
    (paths[route.path] ??= {})[route.method.toLowerCase()] = op;
  }
  for (const [operationId, route] of Object.entries(BINARY_ROUTES) as [string, BinaryRouteSpec][]) {
    const upload = route.method === 'POST';
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      operationId,
      summary: route.summary,
      tags: [route.tag],
      parameters: parameters(route),
      security: route.auth === 'signed' ? [{ bearer: [] }, {}] : [{ bearer: [] }],
      ...(upload && { requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } } }),
      responses: {
        [String(route.status)]: route.response
          ? { description: 'Success', content: { 'application/json': { schema: plain(route.response) } } }
          : { description: 'The file (206 with Content-Range for a Range request)', content: { '*/*': { schema: { type: 'string', format: 'binary' } } } },
        default: { $ref: '#/components/responses/Problem' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ottr',
      version: `${PROTOCOL_VERSION}`,
      description: `REST API of ottr. Realtime traffic uses the WebSocket at /v1/ws; resumable uploads use the tus protocol at ${TUS_PATH}; see docs/protocol.md.`,
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Access token from /v1/auth/verify or /v1/auth/refresh' },
        admin: { type: 'http', scheme: 'bearer', description: "The server's admin token (OTTR_ADMIN_TOKEN); only for the admin routes" },
      },
      schemas: { Problem: ProblemJsonSchema },
      responses: {
        Problem: {
          description: 'Error (RFC 9457 problem details with a stable `code`)',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      },
    },
  };
}

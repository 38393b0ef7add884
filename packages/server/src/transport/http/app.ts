import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifySchema } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import type { Logger } from 'pino';
import { LIMITS, ROUTES, openApiDocument, type RouteId, type RouteSpec } from '@ottr/protocol';
import { AppError } from '../../errors/index.js';
import type { ServerConfig } from '../../config.js';
import type { AuthContext, HttpHandlers } from '../../handlers.js';
import type { Metrics } from '../../metrics/index.js';
import type { RateLimiter } from '../../ports/index.js';
import { trustedProxies } from '../client-address.js';
import { installJsonBodyParser } from './body-parser.js';
import { LOG_FORMATTERS, redactUrl } from './logging.js';
import { MethodIndex, toFastifyPath } from './method-index.js';
import { PROBLEM_CONTENT_TYPE, toAppError, toProblem } from './problems.js';
import { compileResponseCheck, compileValidator, type InputPart } from './validation.js';
import { WEB_NOT_BUILT, createWebApp } from './web.js';

export interface HttpAppOptions {
  /** REST handlers by operation id; a route of ROUTES is served only when its handler is here. */
  handlers: HttpHandlers;
  /** Resolves a bearer access token; throws AppError (`unauthorized`, `token_expired`, `session_revoked`). */
  authenticate: (token: string) => Promise<AuthContext>;
  /**
   * Checks the bearer token of an admin route (`auth: 'admin'`; null when the request carries
   * none); throws AppError (`unauthorized`, `forbidden` when the admin API is off,
   * `rate_limited`). Required when `handlers` serves an admin route.
   */
  authenticateAdmin?: (token: string | null, ip: string) => Promise<void>;
  rateLimiter: RateLimiter;
  config: ServerConfig;
  logger: Logger;
  metrics: Metrics;
  /** `servers[0].url` of /openapi.json (omitted when not given). */
  openApiServerUrl?: string;
  /** GET /readyz answers 200 when this resolves true, 503 otherwise. */
  readiness: () => Promise<boolean>;
  /**
   * Check every success body against the route's response schema; a mismatch is a 500 whose
   * detail names the field. For tests (default false): production trusts the handlers' types
   * and does not pay for a full check of every response.
   */
  checkResponses?: boolean;
  /** Routes that are not JSON (file uploads and downloads, tus), registered by their modules. */
  rawRoutes?: readonly RawRoutes[];
}

/** What a module's raw routes get from the transport: the same authentication, limits, errors and metrics. */
export interface RawRouteTools {
  /** The device behind the request's bearer token, after the per-account request limit; throws AppError. */
  authenticate(req: FastifyRequest): Promise<AuthContext>;
  /** Answers an error as RFC 9457 problem+json, like every other route. */
  sendError(error: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply;
  /** Names a route for the metrics and for 405 answers. */
  label(method: string, path: string, name: string): void;
}

/**
 * Registers routes that stream bytes. `scope` is an encapsulated Fastify context whose requests
 * reach the handler with the body unread (`req.raw` is the stream), whatever their Content-Type.
 */
export type RawRoutes = (scope: FastifyInstance, tools: RawRouteTools) => void;

type LooseHandler = (
  ctx: { auth: AuthContext | null; ip: string; admin?: boolean },
  input: { params: unknown; query: unknown; body: unknown },
) => Promise<unknown>;

/** A handler's output did not match its response schema (only with checkResponses). */
class ResponseMismatchError extends Error {
  override readonly name = 'ResponseMismatchError';
}

const PARTS: Record<string, InputPart> = { params: 'params', querystring: 'query', body: 'body' };
const BEARER = /^Bearer +([^\s]+) *$/i;
const MAX_ECHOED_PATH = 200;

/**
 * The REST transport: every route of ROUTES that has a handler, validated against its schemas,
 * behind bearer authentication and the per-account request limit; /openapi.json, /healthz,
 * /readyz and /metrics; the built web app of config.web.dir (web.ts) for the other GETs; one
 * error edge that answers RFC 9457 problem+json. Returns the Fastify
 * instance, not listening (the caller listens, and may attach the WebSocket upgrade to
 * `app.server`).
 */
export function createHttpApp(opts: HttpAppOptions): FastifyInstance {
  const { metrics } = opts;
  const log = opts.logger.child({ component: 'http' }, { formatters: LOG_FORMATTERS });
  const methods = new MethodIndex();
  /** `${method} ${fastify url}` → metrics label (operation id or fixed name). */
  const labels = new Map<string, string>();
  const auths = new WeakMap<FastifyRequest, AuthContext>();

  function sendError(error: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
    const { appError, internal } = toAppError(error);
    let problem = toProblem(appError);
    if (internal) {
      req.log.error({ err: error }, 'internal error');
      if (opts.checkResponses && error instanceof ResponseMismatchError) problem = { ...problem, detail: error.message };
    } else if (appError.status >= 500) {
      req.log.warn({ err: appError }, appError.code);
    }
    metrics.error(problem.code);
    reply.code(problem.status).header('content-type', PROBLEM_CONTENT_TYPE);
    if (problem.retryAfter !== undefined) reply.header('retry-after', String(problem.retryAfter));
    return reply.send(JSON.stringify(problem));
  }

  const app = Fastify({
    loggerInstance: log,
    // Fastify's own request lines are off: the onResponse hook below writes one redacted line.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: LIMITS.bodyBytes,
    // req.ip: the client behind the trusted proxies of config.trustProxy (the socket's address without).
    trustProxy: trustedProxies(opts.config.trustProxy),
    // Malformed URLs (bad percent-encoding) are answered here, before routing.
    frameworkErrors: (error, req, reply) => {
      sendError(error, req, reply);
    },
  });

  installJsonBodyParser(app as unknown as FastifyInstance);
  // One validator per route part, compiled here at startup; see validation.ts.
  app.setValidatorCompiler(({ schema, httpPart }) => compileValidator(schema as TSchema, PARTS[httpPart ?? ''] ?? 'body'));
  app.setErrorHandler((error, req, reply) => sendError(error, req, reply));
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?', 1)[0] ?? '/';
    const shown = path.length > MAX_ECHOED_PATH ? `${path.slice(0, MAX_ECHOED_PATH)}…` : path;
    const allow = methods.allowed(path);
    if (allow.length > 0) {
      reply.header('allow', allow.join(', '));
      return sendError(new AppError('method_not_allowed', `${req.method} ${shown} is not allowed; allowed: ${allow.join(', ')}`), req, reply);
    }
    return sendError(new AppError('route_not_found', `No route for ${req.method} ${shown}`), req, reply);
  });

  app.addHook('onSend', (_req, reply, _payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    done();
  });

  app.addHook('onResponse', (req, reply, done) => {
    const route = req.is404 ? 'not_found' : (labels.get(`${req.method} ${req.routeOptions.url}`) ?? 'not_found');
    metrics.httpRequest(route, reply.statusCode, reply.elapsedTime / 1000);
    const entry = { method: req.method, url: redactUrl(req.url), route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 };
    // Probes and scrapes arrive every few seconds: keep them out of the info log.
    if (route in ROUTES || route === 'not_found') req.log.info(entry, 'request');
    else req.log.debug(entry, 'request');
    done();
  });

  async function authenticateAdmin(req: FastifyRequest): Promise<void> {
    const match = BEARER.exec(req.headers.authorization ?? '');
    await opts.authenticateAdmin!(match ? match[1]! : null, req.ip);
  }

  async function authenticate(req: FastifyRequest): Promise<AuthContext> {
    const match = BEARER.exec(req.headers.authorization ?? '');
    if (!match) throw new AppError('unauthorized', 'Send the access token as Authorization: Bearer <token>');
    const auth = await opts.authenticate(match[1]!);
    auths.set(req, auth);
    const rule = opts.config.limits.requestsPerAccount;
    const decision = await opts.rateLimiter.hit(`http:${auth.accountId}`, rule);
    if (!decision.allowed) {
      const retryAfter = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      throw new AppError('rate_limited', `At most ${rule.limit} requests per ${rule.windowMs / 1000} s per account`, { retryAfter });
    }
    return auth;
  }

  function label(method: string, path: string, name: string): void {
    const url = toFastifyPath(path);
    methods.add(method, path);
    labels.set(`${method} ${url}`, name);
    if (method === 'GET') labels.set(`HEAD ${url}`, name);
  }

  for (const [id, spec] of Object.entries(ROUTES) as [RouteId, RouteSpec][]) {
    const handler = opts.handlers[id] as LooseHandler | undefined;
    if (!handler) continue;
    const admin = spec.auth === 'admin';
    if (admin && !opts.authenticateAdmin) throw new Error(`${id} is an admin route: createHttpApp needs authenticateAdmin`);
    label(spec.method, spec.path, id);
    const schema: FastifySchema = {};
    if (spec.params) schema.params = spec.params;
    if (spec.query) schema.querystring = spec.query;
    if (spec.body) schema.body = spec.body;
    const checkResponse = opts.checkResponses && spec.response ? compileResponseCheck(spec.response) : null;
    app.route({
      method: spec.method,
      url: toFastifyPath(spec.path),
      schema,
      ...(admin ? { onRequest: authenticateAdmin } : spec.auth ? { onRequest: async (req: FastifyRequest) => void (await authenticate(req)) } : {}),
      handler: async (req, reply) => {
        const auth = auths.get(req) ?? null;
        if (spec.auth === true && auth === null) throw new Error(`${id}: no authentication context`);
        const out = await handler(
          admin ? { auth: null, ip: req.ip, admin: true } : { auth, ip: req.ip },
          { params: spec.params ? req.params : undefined, query: spec.query ? req.query : undefined, body: spec.body ? req.body : undefined },
        );
        reply.code(spec.status);
        if (spec.response === null) return reply.send();
        const mismatch = checkResponse?.(out);
        if (mismatch) throw new ResponseMismatchError(`${id} answered a body that does not match its response schema: ${mismatch}`);
        return reply.send(out);
      },
    });
  }

  for (const register of opts.rawRoutes ?? []) {
    void app.register(async (scope) => {
      // Bodies stay unread, whatever their type (JSON too): the route streams req.raw itself.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
      register(scope, { authenticate, sendError, label });
    });
  }

  const openApi = JSON.stringify(openApiDocument(opts.openApiServerUrl));
  label('GET', '/openapi.json', 'openapi');
  app.get('/openapi.json', (_req, reply) => reply.type('application/json; charset=utf-8').send(openApi));
  label('GET', '/healthz', 'healthz');
  app.get('/healthz', (_req, reply) => reply.send({ status: 'ok' }));
  label('GET', '/readyz', 'readyz');
  app.get('/readyz', async (req, reply) => {
    let ready = false;
    try {
      ready = await opts.readiness();
    } catch (err) {
      req.log.warn({ err }, 'readiness check failed');
    }
    if (!ready) throw new AppError('unavailable', 'Not ready');
    return reply.send({ status: 'ready' });
  });
  label('GET', '/metrics', 'metrics');
  app.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.render()));

  if (opts.config.web.dir !== '') {
    const web = createWebApp(opts.config.web.dir);
    if (!web.built()) log.warn({ dir: opts.config.web.dir }, `${WEB_NOT_BUILT}; ${opts.config.web.dir} has no index.html`);
    // Not in `methods`: a POST to an app path stays a 404, not a 405.
    labels.set('GET /*', 'web');
    labels.set('HEAD /*', 'web');
    app.route({ method: ['GET', 'HEAD'], url: '/*', handler: (req, reply) => web.serve(req, reply) });
  }

  return app as unknown as FastifyInstance;
}

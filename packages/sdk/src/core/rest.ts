import { ROUTES, type RouteId, type RouteInput, type RouteOutput, type RouteSpec } from '@ottr/protocol';
import { OttrError, endsSession } from './errors.js';
import type { Platform } from './platform.js';

type In<K extends RouteId> = RouteInput<K>;
type ParamsPart<K extends RouteId> = In<K>['params'] extends undefined ? { params?: undefined } : { params: In<K>['params'] };
type QueryPart<K extends RouteId> = In<K>['query'] extends undefined
  ? { query?: undefined }
  : object extends In<K>['query']
    ? { query?: In<K>['query'] }
    : { query: In<K>['query'] };
type BodyPart<K extends RouteId> = In<K>['body'] extends undefined ? { body?: undefined } : { body: In<K>['body'] };

/** The input of a REST operation: path `params`, `query` and JSON `body`, each as its route's schema says. */
export type RequestInput<K extends RouteId> = ParamsPart<K> & QueryPart<K> & BodyPart<K>;

/** Every operation's input, by operation id (computed once). */
export type RequestInputs = { [K in RouteId]: RequestInput<K> };
/** Every operation's success body, by operation id (computed once). */
export type RequestOutputs = { [K in RouteId]: RouteOutput<K> };

/** Operations whose input may be left out (no path parameters, no required query or body). */
export type OptionalInputRouteId = { [K in RouteId]: object extends RequestInputs[K] ? K : never }[RouteId];


/** Operation ids of the admin routes (`auth: 'admin'`): called with the server's admin token. */
export type AdminRouteId = { [K in RouteId]: (typeof ROUTES)[K]['auth'] extends 'admin' ? K : never }[RouteId];

/** Extra options of one REST call. */
export interface RequestOptions {
  /** `Idempotency-Key` header for mutating calls that take one. */
  idempotencyKey?: string;
  /** Bearer token to use instead of the session's (the admin token for admin routes). */
  token?: string;
}

/** How the REST client gets and renews credentials. */
export interface RestAuth {
  accessToken(): Promise<string>;
  refresh(staleAccessToken: string): Promise<void>;
  /** A request with the session was answered session_revoked, unauthorized or account_suspended. */
  sessionEnded?(error: OttrError): void;
}

/** Fills `{name}` path parameters (percent-encoded). */
export function buildPath(path: string, params: Record<string, unknown> | undefined): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null) throw new OttrError('validation_failed', `Missing path parameter ${name}`);
    return encodeURIComponent(scalar(value));
  });
}

/** A query string from defined values (arrays joined with commas). */
export function buildQuery(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    const s = Array.isArray(v) ? v.map(scalar).join(',') : scalar(v);
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(s)}`);
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/**
 * Typed REST calls built from the protocol's ROUTES table: `request('getConversation',
 * { params: { conversationId } })`. Answers are parsed; failures throw {@link OttrError} with the
 * problem's code. A `token_expired` answer refreshes the access token (single-flight) and
 * retries once.
 */
export class RestClient {
  constructor(
    private readonly baseUrl: string,
    private readonly platform: Platform,
    private readonly auth: RestAuth | null,
  ) {}

  request<K extends OptionalInputRouteId>(operation: K, input?: RequestInputs[K], options?: RequestOptions): Promise<NoInfer<RequestOutputs[K]>>;
  request<K extends RouteId>(operation: K, input: RequestInputs[K], options?: RequestOptions): Promise<NoInfer<RequestOutputs[K]>>;
  request(operation: RouteId, input?: unknown, options?: RequestOptions): Promise<unknown> {
    return this.call(operation, input, options);
  }

  /** `request` without the types: any operation id, input as the route expects it. */
  async call(operation: RouteId, input?: unknown, options?: RequestOptions): Promise<unknown> {
    const route = ROUTES[operation] as RouteSpec | undefined;
    if (!route) throw new OttrError('route_not_found', `Unknown operation ${String(operation)}`);
    const i = (input ?? {}) as { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown };
    const url = this.baseUrl + buildPath(route.path, i.params) + buildQuery(i.query);
    const headers: Record<string, string> = {};
    if (i.body !== undefined) headers['content-type'] = 'application/json';
    if (options?.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    const body = i.body !== undefined ? JSON.stringify(i.body) : undefined;

    let token: string | undefined = options?.token;
    const needsSession = route.auth === true && token === undefined;
    if (route.auth !== false && token === undefined) {
      if (!this.auth || !needsSession) throw new OttrError('unauthorized', `${String(operation)} needs ${route.auth === true ? 'a session' : 'the admin token'}`);
      token = await this.auth.accessToken();
    }
    for (let attempt = 0; ; attempt++) {
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      const res = await this.fetch(url, route.method, headers, body);
      const text = await res.text().catch((err: unknown) => {
        throw new OttrError('network', 'The answer was cut', { cause: err });
      });
      const parsed = parseJson(text);
      if (res.status >= 200 && res.status < 300) return res.status === 204 || text === '' ? undefined : parsed;
      const error = OttrError.fromProblem(res.status, parsed ?? {});
      const retryAfter = Number(res.headers.get('retry-after'));
      const withRetry =
        error.retryAfter === undefined && Number.isFinite(retryAfter) && retryAfter > 0
          ? new OttrError(error.code, error.message, { status: error.status, retryable: error.retryable, retryAfter })
          : error;
      if (withRetry.code === 'token_expired' && needsSession && attempt === 0 && this.auth && token !== undefined) {
        await this.auth.refresh(token);
        token = await this.auth.accessToken();
        continue;
      }
      if (needsSession && endsSession(withRetry)) this.auth?.sessionEnded?.(withRetry);
      throw withRetry;
    }
  }

  private async fetch(url: string, method: string, headers: Record<string, string>, body: string | undefined) {
    try {
      return await this.platform.fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
    } catch (err) {
      throw new OttrError('network', err instanceof Error ? err.message : String(err), { cause: err });
    }
  }
}

function scalar(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? `${v}` : JSON.stringify(v);
}

/** The JSON value of a body; undefined when it is empty or not JSON. */
export function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

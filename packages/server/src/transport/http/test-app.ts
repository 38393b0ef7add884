import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { AccountId, DeviceId } from '@ottr/protocol';
import { resolveServerConfig, type ServerConfig } from '../../config.js';
import { AppError } from '../../errors/index.js';
import type { AuthContext, HttpHandlers } from '../../handlers.js';
import { Metrics } from '../../metrics/index.js';
import type { RateDecision, RateLimiter, RateRule } from '../../ports/index.js';
import { createHttpApp, type HttpAppOptions } from './app.js';

/** Test fixtures for the HTTP transport tests (not used by the server itself). */
export const ALICE: AuthContext = { accountId: `acc_${'1'.repeat(26)}` as AccountId, deviceId: `dev_${'1'.repeat(26)}` as DeviceId };
export const BOB: AuthContext = { accountId: `acc_${'2'.repeat(26)}` as AccountId, deviceId: `dev_${'2'.repeat(26)}` as DeviceId };
export const TOKENS: Record<string, AuthContext> = { 'alice-token': ALICE, 'bob-token': BOB };

/** Tokens: `alice-token`, `bob-token`; `expired-token` → token_expired; anything else → unauthorized. */
export async function testAuthenticate(token: string): Promise<AuthContext> {
  const auth = TOKENS[token];
  if (auth) return auth;
  if (token === 'expired-token') throw new AppError('token_expired');
  throw new AppError('unauthorized', 'Unknown token');
}

/** A fixed-window counter per key (the RateLimiter port; enough for deterministic tests). */
export class CountingRateLimiter implements RateLimiter {
  readonly counts = new Map<string, number>();
  async hit(key: string, rule: RateRule): Promise<RateDecision> {
    const n = (this.counts.get(key) ?? 0) + 1;
    if (n > rule.limit) return { allowed: false, retryAfterMs: 1500 };
    this.counts.set(key, n);
    return { allowed: true, retryAfterMs: 0 };
  }
}

export interface TestApp {
  url: string;
  metrics: Metrics;
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[];
  /** The raw log output (to look for leaked secrets). */
  rawLogs(): string;
  close(): Promise<void>;
}

/** Starts createHttpApp on 127.0.0.1, an ephemeral port, with response checking on. */
export async function startTestApp(
  handlers: HttpHandlers,
  overrides: Partial<Omit<HttpAppOptions, 'config'>> & { config?: unknown } = {},
): Promise<TestApp> {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
      cb();
    },
  });
  const metrics = overrides.metrics ?? new Metrics({ processMetrics: false });
  const config: ServerConfig = resolveServerConfig(overrides.config ?? {});
  const app = createHttpApp({
    authenticate: testAuthenticate,
    rateLimiter: new CountingRateLimiter(),
    logger: pino({ level: 'debug' }, stream),
    readiness: async () => true,
    checkResponses: true,
    ...overrides,
    handlers,
    metrics,
    config,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  return {
    url: `http://127.0.0.1:${address.port}`,
    metrics,
    get logs() {
      return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    rawLogs: () => lines.join('\n'),
    close: () => app.close(),
  };
}

export interface Call {
  route: string;
  ctx: { auth: AuthContext | null; ip: string };
  input: unknown;
}

/** Handlers for a handful of routes that record their input and answer valid bodies. */
export function recordingHandlers(calls: Call[] = []): HttpHandlers {
  const seen = (route: string, ctx: Call['ctx'], input: unknown): void => {
    calls.push({ route, ctx, input });
  };
  return {
    requestCode: async (ctx, input) => {
      seen('requestCode', ctx, input);
      const body = input.body;
      return 'phone' in body
        ? { identifier: body.phone, channel: 'sms', expiresAt: 1 }
        : { identifier: body.email.toLowerCase(), channel: 'email', expiresAt: 1 };
    },
    logout: async (ctx, input) => {
      seen('logout', ctx, input);
    },
    getMe: async (ctx, input) => {
      seen('getMe', ctx, input);
      return { id: ctx.auth.accountId, phone: null, email: 'a@example.com', displayName: 'A', about: '', avatar: null, presencePrivacy: 'everyone', createdAt: 1 };
    },
    getProfile: async (ctx, input) => {
      seen('getProfile', ctx, input);
      return { id: input.params.accountId, displayName: 'B', about: '', avatar: null, deleted: false };
    },
    lookup: async (ctx, input) => {
      seen('lookup', ctx, input);
      return { matches: [] };
    },
    getPresence: async (ctx, input) => {
      seen('getPresence', ctx, input);
      return { items: [] };
    },
    listConversations: async (ctx, input) => {
      seen('listConversations', ctx, input);
      return { items: [], next: null };
    },
    listEvents: async (ctx, input) => {
      seen('listEvents', ctx, input);
      return { events: [], before: null, after: null };
    },
    markRead: async (ctx, input) => {
      seen('markRead', ctx, input);
    },
    sendMessage: async (ctx, input) => {
      seen('sendMessage', ctx, input);
      const event = {
        id: `msg_${'3'.repeat(26)}`,
        conversationId: input.params.conversationId,
        seq: 1,
        at: 1,
        sender: ctx.auth.accountId,
        type: 'message' as const,
        clientMsgId: input.body.clientMsgId,
        content: input.body.content ?? null,
      };
      return { event } as never;
    },
    addReaction: async (ctx, input) => {
      seen('addReaction', ctx, input);
      const event = {
        id: `evt_${'4'.repeat(26)}`,
        conversationId: `cnv_${'5'.repeat(26)}`,
        seq: 2,
        at: 1,
        sender: ctx.auth.accountId,
        type: 'reaction' as const,
        messageId: input.params.messageId,
        emoji: input.params.emoji,
        action: 'add' as const,
      };
      return { event } as never;
    },
    search: async (ctx, input) => {
      seen('search', ctx, input);
      return { items: [], next: null };
    },
  };
}

/** Sends exact bytes and headers (fetch would re-encode strings and add a content-type). */
export function rawRequest(base: string, method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<Response> {
  return new Promise((resolve, reject) => {
    const options = { method, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } };
    const req = httpRequest(`${base}${path}`, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
        const status = res.statusCode ?? 0;
        try {
          resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers: h }));
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

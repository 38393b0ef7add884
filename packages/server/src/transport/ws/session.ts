import {
  CLOSE,
  ERRORS,
  LIMITS,
  PROTOCOL_VERSION,
  type ClientFrameOf,
  type ErrorCode,
  type ReadyFrame,
} from '@ottr/protocol';
import { isAppError } from '../../errors/index.js';
import type { AuthContext, ConnectionContext, ConnectionListener, FrameHandlers } from '../../handlers.js';
import type { Bus } from '../../ports/index.js';
import { accountSubject } from '../../modules/delivery/index.js';
import type { Connection } from './connection.js';
import { parseInbound, type ParsedFrame } from './inbound.js';
import type { ConnectionRegistry } from './registry.js';
import type { GatewayLogger, GatewayMetrics } from './types.js';

/** Longest wait for the bus to register a new account subscription before `ready` goes out anyway. */
const SUBSCRIBE_WAIT_MS = 2000;

type AnyFrameHandler = (conn: ConnectionContext, frame: unknown) => Promise<unknown>;

export interface SessionDeps {
  authenticate: (token: string) => Promise<AuthContext>;
  handlers: FrameHandlers;
  listeners: ConnectionListener[];
  bus: Bus;
  registry: ConnectionRegistry;
  logger: GatewayLogger;
  metrics: GatewayMetrics;
  heartbeatMs: number;
  framesPerSecond: number;
  now: () => number;
}

/** The close code that follows a failed `auth`, by the error's code. */
export function authFailureCloseCode(code: ErrorCode): number {
  switch (code) {
    case 'token_expired':
      return CLOSE.tokenExpired;
    case 'session_revoked':
      return CLOSE.sessionRevoked;
    case 'account_suspended':
      return CLOSE.accountSuspended;
    case 'rate_limited':
      return CLOSE.rateLimited;
    case 'internal':
    case 'unavailable':
      return CLOSE.serverError;
    default:
      return CLOSE.unauthorized;
  }
}

/**
 * What happens to each message a socket receives: the frame-rate check, parsing and
 * validation, then `auth` (before ready) or the request's handler (after).
 */
export class Sessions {
  constructor(private readonly deps: SessionDeps) {}

  onMessage(conn: Connection, data: Buffer, isBinary: boolean): void {
    if (conn.isClosing()) return;
    const verdict = conn.rate.hit();
    if (verdict === 'close') {
      this.deps.metrics.onFrameIn?.('invalid');
      conn.close(CLOSE.rateLimited, 'too many frames');
      return;
    }
    const parsed = parseInbound(data, isBinary);
    this.deps.metrics.onFrameIn?.(parsed.ok ? parsed.type : parsed.metricType);
    if (verdict === 'limited') {
      conn.sendError('rate_limited', `More than ${this.deps.framesPerSecond} frames per second; slow down`, parsed.id);
      return;
    }
    if (!parsed.ok) {
      conn.sendError(parsed.code, parsed.message, parsed.id);
      return;
    }
    if (conn.state === 'open') this.request(conn, parsed);
    else this.beforeReady(conn, parsed);
  }

  /** Connections that have not received `ready` accept only one `auth`. */
  private beforeReady(conn: Connection, f: ParsedFrame): void {
    if (conn.state === 'authenticating') {
      const message = f.type === 'auth' ? 'auth is already in progress' : 'Wait for ready before sending requests';
      conn.sendError(f.type === 'auth' ? 'bad_request' : 'unauthorized', message, f.id);
      return;
    }
    if (f.type !== 'auth') {
      conn.sendError('unauthorized', 'Send auth first', f.id);
      return;
    }
    this.auth(conn, f.frame as ClientFrameOf<'auth'>).catch((err: unknown) => {
      this.deps.logger.error({ err, connectionId: conn.id }, 'ws: auth failed unexpectedly');
      conn.close(CLOSE.serverError, 'server error');
    });
  }

  private async auth(conn: Connection, frame: ClientFrameOf<'auth'>): Promise<void> {
    if (frame.protocol !== undefined && frame.protocol > PROTOCOL_VERSION) {
      conn.sendError('bad_request', `Protocol ${frame.protocol} is not supported; this server speaks ${PROTOCOL_VERSION}`, frame.id);
      conn.close(CLOSE.protocolUnsupported, 'protocol unsupported');
      return;
    }
    conn.state = 'authenticating';
    let auth: AuthContext;
    try {
      auth = await this.deps.authenticate(frame.token);
    } catch (err) {
      if (conn.isClosing()) return;
      let code: ErrorCode = 'internal';
      let message: string = ERRORS.internal.title;
      if (isAppError(err)) ({ code, message } = err);
      else this.deps.logger.error({ err, connectionId: conn.id }, 'ws: authenticate threw');
      conn.sendError(code, message, frame.id);
      conn.close(authFailureCloseCode(code), code);
      return;
    }
    // Closed meanwhile: auth timeout, the peer left, or the gateway is shutting down.
    if (conn.isClosing()) return;
    clearTimeout(conn.authTimer);
    const ctx: ConnectionContext = { accountId: auth.accountId, deviceId: auth.deviceId, connectionId: conn.id, ip: conn.ip };
    conn.ctx = ctx;
    conn.state = 'open';
    // One live connection per device: the older one here is closed now, those on other nodes
    // through the bus (the close instruction skips this connection by its id).
    this.deps.registry.add(conn)?.close(CLOSE.replaced, 'replaced by a newer connection');
    this.deps.bus.publish(accountSubject(ctx.accountId), {
      close: { code: CLOSE.replaced, reason: 'replaced by a newer connection', deviceId: ctx.deviceId },
      except: conn.id,
    });
    for (const l of this.deps.listeners) {
      try {
        l.onOpen?.(ctx);
      } catch (err) {
        this.deps.logger.error({ err, connectionId: conn.id }, 'ws: connection listener onOpen threw');
      }
    }
    // `ready` only once the bus delivers this account's frames here (a broker round trip on a
    // new subscription): the device syncs after `ready`, so sync and the live stream meet
    // without a gap between them.
    await this.deps.registry.subscribed(ctx.accountId, SUBSCRIBE_WAIT_MS);
    if (conn.isClosing()) return;
    const ready: ReadyFrame = {
      type: 'ready',
      id: frame.id,
      accountId: ctx.accountId,
      deviceId: ctx.deviceId,
      protocol: PROTOCOL_VERSION,
      serverTime: this.deps.now(),
      heartbeatMs: this.deps.heartbeatMs,
      maxFrameBytes: LIMITS.frameBytes,
    };
    conn.send(ready);
  }

  private request(conn: Connection, f: ParsedFrame): void {
    if (f.type === 'auth') {
      conn.sendError('bad_request', 'Already authenticated', f.id);
      return;
    }
    if (f.type === 'ping') {
      conn.send({ type: 'result', id: f.id, result: { serverTime: this.deps.now() } });
      return;
    }
    const handler = this.deps.handlers[f.type] as AnyFrameHandler | undefined;
    if (!handler) {
      conn.sendError('unknown_frame', `This server does not handle "${f.type}" frames`, f.id);
      return;
    }
    this.run(conn, handler, f).catch((err: unknown) => {
      this.deps.logger.error({ err, connectionId: conn.id, type: f.type }, 'ws: reply failed');
    });
  }

  /** Runs one handler; replies with `result` or `error` when the request had an id. */
  private async run(conn: Connection, handler: AnyFrameHandler, f: ParsedFrame): Promise<void> {
    const ctx = conn.ctx;
    if (!ctx) return;
    try {
      const result = await handler(ctx, f.frame);
      if (f.id !== undefined) conn.send({ type: 'result', id: f.id, result });
    } catch (err) {
      if (isAppError(err)) {
        if (f.id !== undefined) conn.sendError(err.code, err.message, f.id);
        return;
      }
      this.deps.logger.error({ err, connectionId: conn.id, type: f.type }, 'ws: frame handler threw');
      if (f.id !== undefined) conn.sendError('internal', ERRORS.internal.title, f.id);
    }
  }
}

import {
  CLOSE,
  PROTOCOL_VERSION,
  closeAdvice,
  type ClientFrameOf,
  type ReadyFrame,
  type ResultOf,
  type ResultSchemas,
  type ServerFrame,
} from '@ottr/protocol';
import { Backoff, type BackoffOptions } from './backoff.js';
import { OttrError, endsSession } from './errors.js';
import type { Platform, TimerHandle, WebSocketLike } from './platform.js';

/**
 * The connection's state. The normal path is `idle → connecting → authenticating → syncing →
 * live`; a lost connection goes to `backing-off` and from there back to `connecting`;
 * `closed-by-server` (session revoked, account deleted or suspended, replaced by a newer
 * connection of this device, protocol unsupported) and `stopped` (disconnect) are left only by
 * an explicit `connect()`.
 */
export type ConnectionState = 'idle' | 'connecting' | 'authenticating' | 'syncing' | 'live' | 'backing-off' | 'closed-by-server' | 'stopped';

/** One transition of the connection state machine. */
export interface StateChange {
  /** The new state. */
  state: ConnectionState;
  /** The state before. */
  previous: ConnectionState;
  /** The close code that ended the last socket: the server's, 1006 when the connection was lost, 4002 when a heartbeat went unanswered, 4003 when connecting took too long. */
  closeCode?: number;
  /** The close reason, or what went wrong. */
  reason?: string;
  /** backing-off: milliseconds until the next attempt. */
  delayMs?: number;
  /** The failure behind this transition, when there was one. */
  error?: OttrError;
}

/** Timing of the connection. */
export interface ConnectionOptions {
  /** WebSocket URL, e.g. wss://chat.example.com/v1/ws. */
  url: string;
  /** How often to send a `ping` frame while connected (at most the server's heartbeat). Default 25 s. */
  pingIntervalMs?: number;
  /** A ping without a reply in this time drops the socket and reconnects. Default 10 s. */
  pingTimeoutMs?: number;
  /** A request without a reply in this time fails with `timeout`. Default 30 s. */
  requestTimeoutMs?: number;
  /** Opening and authenticating a socket must finish in this time. Default 15 s. */
  connectTimeoutMs?: number;
  /** Live this long without a drop: the backoff starts again from its base. Default 10 s. */
  stableMs?: number;
  /** Reconnect delays. Default 500 ms doubling to 30 s, full jitter. */
  backoff?: BackoffOptions;
}

/** What the connection asks of the client that owns it. */
export interface ConnectionHooks {
  /** A valid access token (refreshed first when known to be expired). Throws when the session is over. */
  accessToken(): Promise<string>;
  /** Refresh after a 41xx close (single-flight; no-op when `staleToken` was already replaced). */
  refresh(staleToken: string): Promise<void>;
  /** Runs after `ready`, before `live` (the sync). Throwing drops the socket and retries later. */
  onReady(ready: ReadyFrame): Promise<void>;
  /** The connection became live (flush the outbox, resubscribe). */
  onLive(): void;
  /** A pushed server frame (event, receipt, typing, presence, membership, error without id). */
  onFrame(frame: ServerFrame): void;
  onState(change: StateChange): void;
}

/** Request frame types that are answered with a `result`. */
export type RequestType = keyof typeof ResultSchemas;
/** A request frame without its `id` (the connection picks one). */
export type RequestFrame<K extends RequestType> = Omit<ClientFrameOf<K>, 'id'>;

interface Socket {
  ws: WebSocketLike;
  epoch: number;
  token: string;
  authId: string;
  ready: boolean;
  /** Code of an `error` frame answering `auth`: the close that follows is read by it. */
  authError?: string;
}

interface Pending {
  resolve(result: unknown): void;
  reject(err: OttrError): void;
  timer: TimerHandle;
}

const ACTIVE: ReadonlySet<ConnectionState> = new Set(['connecting', 'authenticating', 'syncing', 'live']);

/** Close code that follows an `auth` failure with this error code (docs/protocol.md §5). */
function closeCodeForAuthError(code: string): number {
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
 * One logical connection to the server over successive sockets: the explicit state machine,
 * authentication, heartbeats, request/reply matching by id, reconnects by close code with
 * backoff, token refresh on 41xx. It knows nothing of sync, caches or the outbox (hooks).
 */
export class Connection {
  private currentState: ConnectionState = 'idle';
  /** Bumped whenever the current socket or pending timer is abandoned; stale callbacks compare it. */
  private epoch = 0;
  private socket: Socket | null = null;
  private readonly pending = new Map<string, Pending>();
  private nextId = 0;
  private readonly timers = new Map<'retry' | 'connect' | 'ping' | 'stable', TimerHandle>();
  private readonly backoff: Backoff;
  private readonly opts: Required<Omit<ConnectionOptions, 'backoff'>>;

  constructor(
    private readonly platform: Platform,
    options: ConnectionOptions,
    private readonly hooks: ConnectionHooks,
  ) {
    this.opts = {
      url: options.url,
      pingIntervalMs: options.pingIntervalMs ?? 25_000,
      pingTimeoutMs: options.pingTimeoutMs ?? 10_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
      stableMs: options.stableMs ?? 10_000,
    };
    this.backoff = new Backoff(options.backoff ?? {}, () => platform.random());
  }

  /** The current state. */
  get state(): ConnectionState {
    return this.currentState;
  }

  /** Failed attempts since the connection was last stable. */
  get attempts(): number {
    return this.backoff.attempt;
  }

  /** Starts connecting (from idle, backing-off, stopped or closed-by-server); no-op while active. */
  start(): void {
    if (ACTIVE.has(this.currentState)) return;
    this.clearTimers();
    void this.open();
  }

  /** Closes the socket, cancels every timer and pending request, and stays `stopped`. */
  stop(): void {
    this.epoch++;
    this.clearTimers();
    const sock = this.socket;
    this.socket = null;
    if (sock) this.detach(sock, 1000, 'client stopped');
    this.failPending(new OttrError('stopped'));
    this.backoff.reset();
    if (this.currentState !== 'stopped') this.setState('stopped', {});
  }

  /** Sends a request on the authenticated socket and resolves with its `result`. */
  request<K extends RequestType>(frame: RequestFrame<K> & { type: K }, timeoutMs = this.opts.requestTimeoutMs): Promise<ResultOf<K>> {
    const sock = this.socket;
    if (!sock?.ready) return Promise.reject(new OttrError('disconnected'));
    return this.requestOn(sock, frame, timeoutMs) as Promise<ResultOf<K>>;
  }

  /**
   * Sends a frame that expects no reply (`typing` without id), or any raw frame (an escape
   * hatch for frames this SDK does not know). Throws `disconnected` when no socket is authenticated.
   */
  send(frame: Record<string, unknown> & { type: string }): void {
    const sock = this.socket;
    if (!sock?.ready) throw new OttrError('disconnected');
    this.write(sock, frame);
  }

  private requestOn(sock: Socket, frame: object, timeoutMs: number): Promise<unknown> {
    const id = `r${++this.nextId}`;
    return new Promise<unknown>((resolve, reject) => {
      const timer = this.platform.setTimeout(() => {
        if (this.pending.delete(id)) reject(new OttrError('timeout', `No reply to ${(frame as { type: string }).type} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.write(sock, { ...frame, id });
    });
  }

  private async open(): Promise<void> {
    const epoch = ++this.epoch;
    this.setState('connecting', {});
    let token: string;
    try {
      token = await this.hooks.accessToken();
    } catch (err) {
      if (epoch === this.epoch) this.afterFailure(toOttrError(err));
      return;
    }
    if (epoch !== this.epoch) return;
    let ws: WebSocketLike;
    try {
      ws = this.platform.webSocket(this.opts.url);
    } catch (err) {
      this.retryLater({ closeCode: 1006, reason: 'could not open a socket', error: toOttrError(err, 'network') });
      return;
    }
    const sock: Socket = { ws, epoch, token, authId: `auth${++this.nextId}`, ready: false };
    this.socket = sock;
    ws.onopen = () => {
      if (sock.epoch !== this.epoch) return;
      this.setState('authenticating', {});
      if (sock.epoch === this.epoch) this.write(sock, { type: 'auth', id: sock.authId, token, protocol: PROTOCOL_VERSION });
    };
    ws.onmessage = (data) => {
      if (sock.epoch === this.epoch) this.onMessage(sock, data);
    };
    ws.onclose = (code, reason) => {
      if (sock.epoch === this.epoch) this.onSocketClosed(sock, code, reason);
    };
    ws.onerror = () => {
      // onclose follows with the code.
    };
    this.setTimer('connect', this.opts.connectTimeoutMs, () => {
      if (sock.epoch === this.epoch && !sock.ready) this.drop(sock, CLOSE.authTimeout, 'connect timeout');
    });
  }

  private onMessage(sock: Socket, data: string): void {
    let frame: { type?: unknown; id?: unknown; result?: unknown; code?: unknown };
    try {
      frame = JSON.parse(data) as typeof frame;
    } catch {
      return;
    }
    if (frame === null || typeof frame !== 'object' || typeof frame.type !== 'string') return;
    if (frame.id === sock.authId && !sock.ready) {
      if (frame.type === 'ready') void this.onReady(sock, frame as ReadyFrame);
      else if (frame.type === 'error') sock.authError = String(frame.code);
      return;
    }
    if ((frame.type === 'result' || frame.type === 'error') && typeof frame.id === 'string') {
      const p = this.pending.get(frame.id);
      if (p) {
        this.pending.delete(frame.id);
        this.platform.clearTimeout(p.timer);
        if (frame.type === 'result') p.resolve(frame.result);
        else p.reject(OttrError.fromFrame(frame as Parameters<typeof OttrError.fromFrame>[0]));
      }
      if (frame.type === 'result' || p) return;
    }
    this.hooks.onFrame(frame as ServerFrame);
  }

  private async onReady(sock: Socket, ready: ReadyFrame): Promise<void> {
    this.clearTimer('connect');
    sock.ready = true;
    this.setState('syncing', {});
    if (sock.epoch !== this.epoch) return;
    this.heartbeat(sock, ready.heartbeatMs > 0 ? Math.min(this.opts.pingIntervalMs, ready.heartbeatMs) : this.opts.pingIntervalMs);
    try {
      await this.hooks.onReady(ready);
    } catch (err) {
      if (sock.epoch === this.epoch) this.drop(sock, CLOSE.serverError, 'sync failed', toOttrError(err));
      return;
    }
    if (sock.epoch !== this.epoch) return;
    this.setState('live', {});
    if (sock.epoch !== this.epoch || this.currentState !== 'live') return;
    this.setTimer('stable', this.opts.stableMs, () => {
      if (sock.epoch === this.epoch && this.currentState === 'live') this.backoff.reset();
    });
    this.hooks.onLive();
  }

  private heartbeat(sock: Socket, intervalMs: number): void {
    this.setTimer('ping', intervalMs, () => {
      if (sock.epoch !== this.epoch) return;
      this.requestOn(sock, { type: 'ping' }, this.opts.pingTimeoutMs).then(
        () => {
          if (sock.epoch === this.epoch) this.heartbeat(sock, intervalMs);
        },
        (err: unknown) => {
          if (sock.epoch === this.epoch && err instanceof OttrError && err.code === 'timeout') {
            this.drop(sock, CLOSE.heartbeatTimeout, 'heartbeat timeout');
          }
        },
      );
    });
  }

  private write(sock: Socket, frame: object): void {
    try {
      sock.ws.send(JSON.stringify(frame));
    } catch (err) {
      // The socket is closing or gone; its close (or our drop) moves the state on.
      if (sock.epoch === this.epoch) this.drop(sock, 1006, 'send failed', toOttrError(err, 'network'));
    }
  }

  /** Abandons a socket on our side (heartbeat, timeout) as if the server had closed it with `code`. */
  private drop(sock: Socket, code: number, reason: string, error?: OttrError): void {
    this.detach(sock, 1000, reason);
    this.onSocketClosed(sock, code, reason, error);
  }

  private detach(sock: Socket, code: number, reason: string): void {
    sock.ws.onopen = sock.ws.onmessage = sock.ws.onclose = sock.ws.onerror = null;
    try {
      sock.ws.close(code, reason);
    } catch {
      // already closed
    }
  }

  private onSocketClosed(sock: Socket, code: number, reason: string, error?: OttrError): void {
    this.epoch++;
    if (this.socket === sock) this.socket = null;
    this.clearTimers();
    this.failPending(new OttrError('disconnected', `The connection closed (${code}${reason ? ` ${reason}` : ''})`));
    const effective = !sock.ready && sock.authError !== undefined ? closeCodeForAuthError(sock.authError) : code;
    const info: Omit<StateChange, 'state' | 'previous'> = { closeCode: effective, ...(reason ? { reason } : {}), ...(error ? { error } : {}) };
    switch (closeAdvice(effective)) {
      case 'stop':
        this.setState('closed-by-server', info);
        return;
      case 'refresh-then-reconnect':
        // The reconnect waits for this refresh (accessToken() joins it); a refresh that ends the
        // session makes that attempt fail into closed-by-server.
        this.hooks.refresh(sock.token).catch(() => undefined);
        this.retryLater(info);
        return;
      default:
        this.retryLater(info);
    }
  }

  /** Getting a token failed before any socket was opened. */
  private afterFailure(error: OttrError): void {
    if (endsSession(error)) this.setState('closed-by-server', { reason: error.code, error });
    else this.retryLater({ reason: error.message, error });
  }

  private retryLater(info: Omit<StateChange, 'state' | 'previous' | 'delayMs'>): void {
    const delayMs = this.backoff.next();
    const epoch = ++this.epoch;
    this.setTimer('retry', delayMs, () => {
      if (epoch === this.epoch) void this.open();
    });
    this.setState('backing-off', { ...info, delayMs });
  }

  private setState(state: ConnectionState, info: Omit<StateChange, 'state' | 'previous'>): void {
    const previous = this.currentState;
    this.currentState = state;
    if (state !== 'live') this.clearTimer('stable');
    this.hooks.onState({ state, previous, ...info });
  }

  private failPending(err: OttrError): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) {
      this.platform.clearTimeout(p.timer);
      p.reject(err);
    }
  }

  private setTimer(name: 'retry' | 'connect' | 'ping' | 'stable', ms: number, fn: () => void): void {
    this.clearTimer(name);
    this.timers.set(
      name,
      this.platform.setTimeout(() => {
        this.timers.delete(name);
        fn();
      }, ms),
    );
  }

  private clearTimer(name: 'retry' | 'connect' | 'ping' | 'stable'): void {
    const t = this.timers.get(name);
    if (t !== undefined) {
      this.platform.clearTimeout(t);
      this.timers.delete(name);
    }
  }

  private clearTimers(): void {
    for (const name of [...this.timers.keys()]) this.clearTimer(name);
  }
}

/** `err` as an OttrError (anything else becomes `fallback`, keeping the original as cause). */
export function toOttrError(err: unknown, fallback: 'network' | 'internal' = 'internal'): OttrError {
  if (err instanceof OttrError) return err;
  return new OttrError(fallback, err instanceof Error ? err.message : String(err), { cause: err });
}

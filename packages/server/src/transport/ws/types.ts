import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ServerConfig } from '../../config.js';
import type { AuthContext, ConnectionListener, FrameHandlers } from '../../handlers.js';
import type { Bus } from '../../ports/index.js';

/** The logging the gateway needs; a pino Logger fits. */
export interface GatewayLogger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** Optional counters; each is called synchronously and must not throw. */
export interface GatewayMetrics {
  /** One incoming message: its frame type when known, else `unknown` (a string type that is not a client frame) or `invalid`. */
  onFrameIn?(type: string): void;
  /** One frame written to one socket. */
  onFrameOut?(): void;
  /** One socket closed: the server's close code, or the peer's when the peer closed first. */
  onClose?(code: number): void;
  /** The number of open sockets (authenticated or not) after each change. */
  connections?(n: number): void;
  /** One error frame sent, by code. */
  onError?(code: string): void;
}

export interface GatewayOptions {
  /** Checks an access token; throws AppError `token_expired`, `unauthorized`, `session_revoked` or `account_suspended`. */
  authenticate: (token: string) => Promise<AuthContext>;
  handlers: FrameHandlers;
  listeners: ConnectionListener[];
  bus: Bus;
  config: ServerConfig;
  logger: GatewayLogger;
  metrics?: GatewayMetrics;
  /** Milliseconds since the epoch, for `serverTime` and the frame-rate windows; Date.now by default. */
  now?: () => number;
}

export interface Gateway {
  /** Accepts an HTTP upgrade for /v1/ws; any other path gets 404 and the socket is destroyed. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Installs handleUpgrade as `server`'s 'upgrade' listener. */
  attach(server: Server): void;
  /** Closes every socket (1001 'server shutting down' by default), stops timers and bus subscriptions. */
  close(code?: number): Promise<void>;
  /** Open sockets, authenticated or not. */
  connectionCount(): number;
}

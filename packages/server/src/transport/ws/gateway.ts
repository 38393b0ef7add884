/**
 * The WebSocket gateway at /v1/ws. Summary of the protocol it implements (docs/protocol.md is
 * written from this; keep them in step):
 *
 * Transport: JSON text frames, no per-message compression. Any other path than /v1/ws → HTTP
 * 404; while the gateway shuts down → 503. A message above LIMITS.hardFrameBytes (1 MiB) closes
 * the socket with 1009; other WebSocket protocol errors close it as the ws library decides
 * (invalid UTF-8 in a text frame 1007, bad framing 1002).
 *
 * Auth: the first frame must be `auth` {type, id, token, protocol?} within ws.authTimeoutMs,
 * else close 4003 (also when `authenticate` is still running then). Success → `ready`
 * {type:'ready', id, accountId, deviceId, protocol, serverTime, heartbeatMs, maxFrameBytes}.
 * Failure → an `error` frame with the AppError's code (id echoed), then close: token_expired
 * 4100, session_revoked 4200, account_suspended 4204, rate_limited 4004, internal/unavailable
 * 1011 (a non-AppError throw is `internal`), any other code (unauthorized…) 4101. `protocol` above
 * PROTOCOL_VERSION → error `bad_request`, close 4203. Before `ready`, any other frame → error
 * `unauthorized` (the socket stays open until the auth timeout); a second `auth` while the
 * first is checked → `bad_request`. Frames that fail the checks below get those errors.
 *
 * One live connection per device: a newly authenticated connection closes the device's older
 * one with 4202 — on this node directly, on other nodes by a bus close instruction on
 * `acct.<accountId>` that skips the new connection (`except`).
 *
 * Each incoming message, in order: frame rate (more than ws.framesPerSecond in one second →
 * `rate_limited`, the frame is not handled; the 4×-th in one second → close 4004); size above
 * LIMITS.frameBytes (256 KiB) → `frame_too_large`; binary → `bad_request`; not JSON →
 * `malformed_json`; not an object with a string `type` → `bad_request`; a type that is not a
 * client frame → `unknown_frame`; schema mismatch → `validation_failed` ("<type>: <path>:
 * <reason>" for the first failing path). Each error frame echoes `id` when the message had a
 * string `id`; the connection stays usable.
 *
 * After `ready`: `auth` → `bad_request`; `ping` → {type:'result', id, result:{serverTime}}
 * (answered here); a type with no handler → `unknown_frame`; else the handler runs and its value
 * comes back as {type:'result', id, result}; a thrown AppError as {type:'error', id, code,
 * status, message, retryable}; any other throw as `internal` (logged). A `typing` frame
 * without id gets no reply (neither result nor handler error). Replies may come out of order;
 * match them by id.
 *
 * Heartbeat: every ws.heartbeatMs the server sends a WebSocket ping to each socket; a socket
 * that has not answered the previous ping with a pong by the next tick is dropped without a
 * closing handshake (the peer sees 1006; metrics record 4002). A dead peer goes within
 * 2 × heartbeatMs. Clients that cannot see pings (browsers) may send the `ping` frame.
 *
 * Slow consumer: a frame is written only if the socket's unsent bytes plus the frame stay within
 * ws.maxBufferedBytes; otherwise the socket is closed 4001 and the client resyncs on reconnect.
 * Any closing handshake not finished within 5 s ends with the socket destroyed.
 *
 * Realtime frames: bus messages on `acct.<accountId>` (subscribed while the account has a
 * connection on this node). `close` closes the device's (or all the account's) connections with
 * its code and reason; otherwise `frame` is written as is to each connection of the account
 * except the one whose id is `except`.
 *
 * Shutdown: close() closes every socket with 1001 'server shutting down'.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CLOSE, LIMITS } from '@ottr/protocol';
import { WebSocketServer, type RawData, type ServerOptions, type WebSocket } from 'ws';
import { clientAddress, trustedProxies } from '../client-address.js';
import { Connection } from './connection.js';
import { ConnectionRegistry } from './registry.js';
import { Sessions } from './session.js';
import type { Gateway, GatewayLogger, GatewayMetrics, GatewayOptions } from './types.js';

export const WS_PATH = '/v1/ws';

/** How long a closing handshake may take before the socket is destroyed. */
const CLOSE_GRACE_MS = 5000;

export function createGateway(opts: GatewayOptions): Gateway {
  const { config, logger } = opts;
  const metrics = safeMetrics(opts.metrics ?? {}, logger);
  const now = opts.now ?? Date.now;
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: LIMITS.hardFrameBytes,
    clientTracking: false,
    // Not in @types/ws yet (ws >= 8.19): the closing-handshake timeout, 30 s by default.
    closeTimeout: CLOSE_GRACE_MS,
  } as ServerOptions);
  const trust = trustedProxies(config.trustProxy);
  const registry = new ConnectionRegistry(opts.bus, logger);
  const sessions = new Sessions({
    authenticate: opts.authenticate,
    handlers: opts.handlers,
    listeners: opts.listeners,
    bus: opts.bus,
    registry,
    logger,
    metrics,
    heartbeatMs: config.ws.heartbeatMs,
    framesPerSecond: config.ws.framesPerSecond,
    now,
  });
  const sockets = new Set<Connection>();
  let shuttingDown = false;

  const heartbeat = setInterval(() => {
    for (const conn of sockets) {
      if (conn.isClosing()) continue;
      if (!conn.alive) {
        conn.terminate(CLOSE.heartbeatTimeout);
        continue;
      }
      conn.alive = false;
      try {
        conn.ws.ping();
      } catch (err) {
        logger.debug({ err, connectionId: conn.id }, 'ws: ping failed');
      }
    }
  }, config.ws.heartbeatMs);
  heartbeat.unref();

  function onClosing(conn: Connection): void {
    const ctx = conn.ctx;
    if (!ctx || !registry.remove(conn)) return;
    for (const l of opts.listeners) {
      try {
        l.onClose?.(ctx);
      } catch (err) {
        logger.error({ err, connectionId: conn.id }, 'ws: connection listener onClose threw');
      }
    }
  }

  function onClosed(conn: Connection, code: number): void {
    sockets.delete(conn);
    metrics.onClose?.(code);
    metrics.connections?.(sockets.size);
  }

  function onConnection(ws: WebSocket, req: IncomingMessage): void {
    const conn = new Connection(ws, {
      id: `wsc_${randomUUID()}`,
      ip: clientAddress(req, trust),
      socket: req.socket,
      maxBufferedBytes: config.ws.maxBufferedBytes,
      framesPerSecond: config.ws.framesPerSecond,
      now,
      hooks: {
        onClosing,
        onClosed,
        onFrameOut: () => metrics.onFrameOut?.(),
        onError: (code) => metrics.onError?.(code),
      },
    });
    ws.on('error', (err: Error & { code?: string }) => {
      // ws closes the socket itself after a protocol error (1009 for a too-big message, 1002, 1007…).
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') conn.noteClosing(CLOSE.tooBig);
      logger.debug({ err, connectionId: conn.id }, 'ws: socket error');
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      try {
        sessions.onMessage(conn, toBuffer(data), isBinary);
      } catch (err) {
        logger.error({ err, connectionId: conn.id }, 'ws: message handling threw');
      }
    });
    sockets.add(conn);
    metrics.connections?.(sockets.size);
    conn.authTimer = setTimeout(() => {
      if (conn.state === 'new' || conn.state === 'authenticating') conn.close(CLOSE.authTimeout, 'auth timeout');
    }, config.ws.authTimeoutMs);
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (pathOf(req.url) !== WS_PATH) return refuse(socket, 404);
    if (shuttingDown) return refuse(socket, 503);
    try {
      wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req));
    } catch (err) {
      logger.error({ err }, 'ws: upgrade failed');
      socket.destroy();
    }
  }

  async function close(code: number = CLOSE.goingAway): Promise<void> {
    shuttingDown = true;
    clearInterval(heartbeat);
    const closed = [...sockets].map((c) => new Promise<void>((resolve) => c.ws.once('close', () => resolve())));
    for (const conn of sockets) conn.close(code, 'server shutting down');
    await Promise.all(closed);
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  return {
    handleUpgrade,
    attach(server: Server) {
      server.on('upgrade', handleUpgrade);
    },
    close,
    connectionCount: () => sockets.size,
  };
}

function pathOf(url: string | undefined): string | undefined {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

/** Answers a non-WebSocket upgrade with a bare HTTP status and drops the socket. */
function refuse(socket: Duplex, status: number): void {
  socket.on('error', () => socket.destroy());
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Wraps the metric callbacks so that one that throws is logged, never breaks a socket. */
function safeMetrics(m: GatewayMetrics, logger: GatewayLogger): GatewayMetrics {
  const wrap = <A extends unknown[]>(name: string, f: ((...args: A) => void) | undefined) =>
    f &&
    ((...args: A) => {
      try {
        f(...args);
      } catch (err) {
        logger.warn({ err, metric: name }, 'ws: metrics callback threw');
      }
    });
  return {
    onFrameIn: wrap('onFrameIn', m.onFrameIn?.bind(m)),
    onFrameOut: wrap('onFrameOut', m.onFrameOut?.bind(m)),
    onClose: wrap('onClose', m.onClose?.bind(m)),
    connections: wrap('connections', m.connections?.bind(m)),
    onError: wrap('onError', m.onError?.bind(m)),
  };
}

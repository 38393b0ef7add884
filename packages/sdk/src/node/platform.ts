import WebSocket from 'ws';
import type { Platform, WebSocketLike } from '../core/index.js';

/** A dropped socket whose closing handshake does not finish in this time is destroyed. */
const CLOSE_GRACE_MS = 2000;

/** Adapts a `ws` socket to the SDK's WebSocketLike. */
export function wrapWs(ws: WebSocket): WebSocketLike {
  const like: WebSocketLike = {
    send: (data) => ws.send(data),
    close: (code, reason) => {
      if (ws.readyState === WebSocket.CONNECTING) {
        ws.terminate();
        return;
      }
      ws.close(code, reason);
      setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
    },
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
  };
  ws.on('open', () => like.onopen?.());
  ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
    if (!isBinary) like.onmessage?.(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
  });
  ws.on('close', (code: number, reason: Buffer) => like.onclose?.(code, reason.toString('utf8')));
  ws.on('error', (err: Error) => like.onerror?.(err));
  return like;
}

/**
 * Node's platform: `ws` sockets (no per-message compression), the global fetch (Node 18+), the
 * global timers and clock. `overrides` replace any part (tests use a fake clock, a proxy, …).
 */
export function nodePlatform(overrides: Partial<Platform> = {}): Platform {
  return {
    webSocket: (url) => wrapWs(new WebSocket(url, { perMessageDeflate: false })),
    fetch: (url, init) => fetch(url, init),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    now: () => Date.now(),
    random: () => Math.random(),
    ...overrides,
  };
}

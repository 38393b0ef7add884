import { CLOSE, ERRORS, type ErrorCode } from '@ottr/protocol';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import type { ConnectionContext } from '../../handlers.js';
import { FrameRate } from './frame-rate.js';

/**
 * `new`: waiting for `auth`; `authenticating`: checking its token; `open`: `ready` was sent;
 * `closing`: the server or the peer is closing it, nothing more is written.
 */
export type ConnectionState = 'new' | 'authenticating' | 'open' | 'closing';

export interface ConnectionHooks {
  /** Called once, when the server decides to close or the socket goes away, whichever is first. */
  onClosing(conn: Connection): void;
  /** Called once, when the socket is closed; `code` is the server's code if it closed it. */
  onClosed(conn: Connection, code: number): void;
  onFrameOut?(): void;
  onError?(code: string): void;
}

export interface ConnectionOptions {
  id: string;
  ip: string;
  /** The TCP socket under `ws` (the upgrade request's), corked while a burst of frames is written. */
  socket?: Socket;
  maxBufferedBytes: number;
  framesPerSecond: number;
  /** The clock of the frame-rate windows. */
  now: () => number;
  hooks: ConnectionHooks;
}

/** Close reasons are at most 123 UTF-8 bytes (RFC 6455 §5.5). */
function clampReason(reason: string): string {
  let r = reason;
  while (Buffer.byteLength(r) > 123) r = r.slice(0, -1);
  return r;
}

/**
 * One WebSocket of the gateway: its state, its auth context once authenticated, and the only
 * path by which bytes are written to it — which enforces the slow-consumer bound.
 */
export class Connection {
  readonly id: string;
  readonly ip: string;
  state: ConnectionState = 'new';
  ctx: ConnectionContext | undefined;
  /** Set by `pong`; cleared when a ping is sent. */
  alive = true;
  readonly rate: FrameRate;
  /** Closes the socket with 4003 if `ready` was not sent in time; cleared on ready or close. */
  authTimer: NodeJS.Timeout | undefined;
  /** The code the server closed with (or will record for a terminate). */
  private closeCode: number | undefined;
  private closedNotified = false;
  private readonly maxBufferedBytes: number;
  private readonly hooks: ConnectionHooks;
  private readonly socket: Socket | undefined;
  private corked = false;

  constructor(
    readonly ws: WebSocket,
    opts: ConnectionOptions,
  ) {
    this.id = opts.id;
    this.ip = opts.ip;
    this.maxBufferedBytes = opts.maxBufferedBytes;
    this.hooks = opts.hooks;
    this.socket = opts.socket;
    this.rate = new FrameRate(opts.framesPerSecond, opts.now);
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('close', (code: number) => this.closed(code));
  }

  /**
   * Writes one serialized frame (UTF-8 bytes of JSON) as a text frame. If the socket's unsent
   * bytes plus this frame would exceed maxBufferedBytes, nothing is written and the connection
   * is closed with 4001 (slow consumer). Returns whether the frame was written.
   */
  sendBytes(bytes: Buffer): boolean {
    if (this.state === 'closing' || this.ws.readyState !== WebSocket.OPEN) return false;
    if (this.ws.bufferedAmount + bytes.byteLength > this.maxBufferedBytes) {
      this.close(CLOSE.slowConsumer, 'slow consumer');
      return false;
    }
    this.cork();
    this.ws.send(bytes, { binary: false });
    this.hooks.onFrameOut?.();
    return true;
  }

  /**
   * Holds the socket's writes until the current burst of work is done (process.nextTick runs
   * after the promise continuations of, say, one group commit), so that the acks and events of
   * that burst leave in one writev instead of one system call per frame.
   */
  private cork(): void {
    if (this.corked || this.socket === undefined) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(() => {
      this.corked = false;
      this.socket!.uncork();
    });
  }

  send(frame: object): boolean {
    return this.sendBytes(Buffer.from(JSON.stringify(frame)));
  }

  /** Sends an error frame with the code's status and retryable flag from protocol. */
  sendError(code: ErrorCode, message: string, id?: string): void {
    const { status, retryable } = ERRORS[code];
    const frame = id === undefined
      ? { type: 'error', code, status, message, retryable }
      : { type: 'error', id, code, status, message, retryable };
    this.hooks.onError?.(code);
    this.send(frame);
  }

  /** Starts the closing handshake with `code`; no frame is written afterwards. Idempotent. */
  close(code: number, reason: string): void {
    if (this.state === 'closing') return;
    this.beginClosing(code);
    try {
      this.ws.close(code, clampReason(reason));
    } catch {
      // An invalid code from a bus instruction: fall back to a generic one.
      this.ws.close(CLOSE.serverError, 'server error');
    }
  }

  /** True once the server or the peer started closing: nothing more is written or handled. */
  isClosing(): boolean {
    return this.state === 'closing';
  }

  /** Records that the ws library itself is closing the socket (e.g. 1009 for a too-big message). */
  noteClosing(code: number): void {
    if (this.state !== 'closing') this.beginClosing(code);
  }

  /** Drops the socket at once (no closing handshake); `code` is what metrics record. */
  terminate(code: number): void {
    if (this.state !== 'closing') this.beginClosing(code);
    this.ws.terminate();
  }

  private beginClosing(code: number): void {
    this.state = 'closing';
    clearTimeout(this.authTimer);
    this.closeCode = code;
    this.hooks.onClosing(this);
  }

  private closed(peerCode: number): void {
    if (this.closedNotified) return;
    this.closedNotified = true;
    if (this.state !== 'closing') {
      this.state = 'closing';
      clearTimeout(this.authTimer);
      this.hooks.onClosing(this);
    }
    this.hooks.onClosed(this, this.closeCode ?? peerCode);
  }
}

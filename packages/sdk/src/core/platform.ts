/**
 * Everything the core needs from the platform it runs on, injected so that the core itself uses
 * no Node and no DOM API. `@ottr/sdk/node` and `@ottr/sdk/browser` provide ready-made ones.
 */

/**
 * The few things the SDK does with a WebSocket. Entry points adapt the platform's socket (the
 * `ws` package, the browser's WebSocket) to it; the SDK sets the four handlers right after
 * creating the socket and before the event loop turns.
 */
export interface WebSocketLike {
  /** Sends one text frame. */
  send(data: string): void;
  /** Starts the closing handshake (or drops a socket that never opened). */
  close(code?: number, reason?: string): void;
  /** The socket is open. */
  onopen: (() => void) | null;
  /** A text frame arrived. Binary frames are not part of the protocol and may be ignored. */
  onmessage: ((data: string) => void) | null;
  /** The socket closed: the server's close code (1006 when the connection was lost). */
  onclose: ((code: number, reason: string) => void) | null;
  /** A transport error; `onclose` follows. */
  onerror: ((error: unknown) => void) | null;
}

/** Opens a WebSocket to `url` (ws: or wss:). */
export type WebSocketFactory = (url: string) => WebSocketLike;

/** The part of a `fetch` response the SDK reads. */
export interface FetchResponseLike {
  /** HTTP status. */
  readonly status: number;
  /** Response headers (the SDK reads retry-after). */
  readonly headers: { get(name: string): string | null };
  /** The body as text. */
  text(): Promise<string>;
  /** The body as a stream of bytes (media downloads); the global fetch's Response has it. */
  readonly body?: ByteStreamLike | null;
}

/** The part of a ReadableStream of bytes the SDK reads. */
export interface ByteStreamLike {
  getReader(): {
    read(): Promise<{ done: boolean; value?: Uint8Array }>;
    cancel(reason?: unknown): Promise<void>;
  };
}

/** The part of an AbortSignal the SDK listens to (the global AbortSignal fits it). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** The part of `fetch` the SDK uses: the global `fetch` of Node 18+ and browsers fits it. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<FetchResponseLike>;

/** An opaque timer handle, whatever the platform's setTimeout returns. */
export type TimerHandle = unknown;

/** The platform services the SDK core runs on. */
export interface Platform {
  /** Opens WebSockets. */
  webSocket: WebSocketFactory;
  /** Makes HTTP requests. */
  fetch: FetchLike;
  /** Schedules `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer from `setTimeout` (a handle that already fired is ignored). */
  clearTimeout(handle: TimerHandle): void;
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** A number in [0, 1): backoff jitter and client message ids. */
  random(): number;
}

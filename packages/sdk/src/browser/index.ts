/**
 * @ottr/sdk/browser — the SDK for browsers: everything of `@ottr/sdk`, plus `browserPlatform()`
 * (the global WebSocket, fetch and timers), `IndexedDbStore` and a `createClient` that fills
 * them in.
 */
import { createClient as createCoreClient, MemoryStore, type ClientOptions, type OttrClient, type Platform, type WebSocketLike } from '../core/index.js';
import { IndexedDbStore } from './indexeddb-store.js';

export * from '../core/index.js';
export { IndexedDbStore } from './indexeddb-store.js';

/** Adapts a browser WebSocket to the SDK's WebSocketLike. */
export function wrapBrowserSocket(ws: WebSocket): WebSocketLike {
  const like: WebSocketLike = {
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
  };
  ws.onopen = () => like.onopen?.();
  ws.onmessage = (e: MessageEvent) => {
    if (typeof e.data === 'string') like.onmessage?.(e.data);
  };
  ws.onclose = (e: CloseEvent) => like.onclose?.(e.code, e.reason);
  ws.onerror = (e: Event) => like.onerror?.(e);
  return like;
}

/** The browser's platform (`overrides` replace any part). */
export function browserPlatform(overrides: Partial<Platform> = {}): Platform {
  return {
    webSocket: (url) => wrapBrowserSocket(new WebSocket(url)),
    fetch: (url, init) => fetch(url, init),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle as number),
    now: () => Date.now(),
    random: () => Math.random(),
    ...overrides,
  };
}

/** Options of the browser `createClient`: the core's, with the platform optional and a database name. */
export interface BrowserClientOptions extends Omit<ClientOptions, 'platform'> {
  /** Parts of the platform to replace (default: `browserPlatform()`). */
  platform?: Partial<Platform>;
  /** Keep the client's data in this IndexedDB database, unless `store` is given. Default: in memory. */
  databaseName?: string;
}

/** Creates a client in a browser: `createClient({ baseUrl: location.origin, databaseName: 'ottr' })`. */
export function createClient(options: BrowserClientOptions): OttrClient {
  const { databaseName, platform, ...rest } = options;
  return createCoreClient({
    ...rest,
    platform: browserPlatform(platform),
    store: rest.store ?? (databaseName ? new IndexedDbStore(databaseName) : new MemoryStore()),
  });
}

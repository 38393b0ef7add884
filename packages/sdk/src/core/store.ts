/**
 * Where a client keeps what must survive a restart: its session, sync cursor, outbox and caches.
 * Values are plain JSON. `@ottr/sdk/node` has a file-backed store, `@ottr/sdk/browser` an
 * IndexedDB one; {@link MemoryStore} keeps nothing across restarts (tests, short-lived bots).
 */
export interface SdkStore {
  /** The value under `key`, or undefined when there is none. */
  get(key: string): Promise<unknown>;
  /**
   * Applies every entry at once — all of them or none — and resolves once they are durable.
   * A value of `undefined` deletes the key.
   */
  write(entries: ReadonlyArray<readonly [key: string, value: unknown]>): Promise<void>;
  /** Every key that starts with `prefix`. */
  keys(prefix: string): Promise<string[]>;
  /** Flushes and releases the store (optional). */
  close?(): Promise<void>;
}

/** Keys the client uses. */
export const KEYS = {
  session: 'session',
  sync: 'sync',
  outbox: 'outbox',
  conversationPrefix: 'conv/',
  messagesPrefix: 'msgs/',
  /** Unfinished uploads (tus URLs by fingerprint), to resume them. */
  uploadsPrefix: 'uploads/',
  conversation: (id: string) => `conv/${id}`,
  messages: (id: string) => `msgs/${id}`,
} as const;

/**
 * An in-memory store. Values are copied on the way in and out (as through JSON), so callers
 * never share objects with it — like a real store.
 */
export class MemoryStore implements SdkStore {
  private readonly data = new Map<string, string>();

  /** The value under `key` (a copy), or undefined. */
  async get(key: string): Promise<unknown> {
    const raw = this.data.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as unknown);
  }

  /** Applies every entry (undefined deletes). */
  async write(entries: ReadonlyArray<readonly [string, unknown]>): Promise<void> {
    const encoded = entries.map(([k, v]) => [k, v === undefined ? undefined : JSON.stringify(v)] as const);
    for (const [k, v] of encoded) {
      if (v === undefined) this.data.delete(k);
      else this.data.set(k, v);
    }
  }

  /** Every key that starts with `prefix`. */
  async keys(prefix: string): Promise<string[]> {
    return [...this.data.keys()].filter((k) => k.startsWith(prefix));
  }
}

/** Deletes everything a client keeps in `store` (session, cursor, outbox, caches, unfinished uploads). */
export async function clearClientData(store: SdkStore): Promise<void> {
  const prefixed = await Promise.all([KEYS.conversationPrefix, KEYS.messagesPrefix, KEYS.uploadsPrefix].map((p) => store.keys(p)));
  const keys = [KEYS.session, KEYS.sync, KEYS.outbox, ...prefixed.flat()];
  await store.write(keys.map((k) => [k, undefined] as const));
}

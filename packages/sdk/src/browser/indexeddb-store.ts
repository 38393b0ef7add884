import type { SdkStore } from '../core/index.js';

const OBJECT_STORE = 'kv';

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/**
 * A store in an IndexedDB database (one object store of JSON values by key). `write` is one
 * read-write transaction: all of its entries or none, durable when its promise resolves.
 */
export class IndexedDbStore implements SdkStore {
  private db: Promise<IDBDatabase> | null = null;

  /** `name`: the database name — one per signed-in client (e.g. `ottr-<account>`). */
  constructor(
    readonly name = 'ottr',
    private readonly factory: IDBFactory = indexedDB,
  ) {}

  /** The value under `key` (a copy), or undefined. */
  async get(key: string): Promise<unknown> {
    const db = await this.open();
    return done(db.transaction(OBJECT_STORE, 'readonly').objectStore(OBJECT_STORE).get(key));
  }

  /** Applies every entry in one read-write transaction; resolves when it has committed. */
  async write(entries: ReadonlyArray<readonly [string, unknown]>): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(OBJECT_STORE, 'readwrite', { durability: 'strict' });
    const store = tx.objectStore(OBJECT_STORE);
    for (const [key, value] of entries) {
      if (value === undefined) store.delete(key);
      else store.put(value, key);
    }
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  }

  /** Every key that starts with `prefix`. */
  async keys(prefix: string): Promise<string[]> {
    const db = await this.open();
    const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
    const keys = await done(db.transaction(OBJECT_STORE, 'readonly').objectStore(OBJECT_STORE).getAllKeys(range));
    return keys.map(String);
  }

  /** Closes the database connection (it reopens on the next call). */
  async close(): Promise<void> {
    if (this.db) (await this.db).close();
    this.db = null;
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const request = this.factory.open(this.name, 1);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(OBJECT_STORE)) request.result.createObjectStore(OBJECT_STORE);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error(`Could not open IndexedDB ${this.name}`));
    });
    return this.db;
  }
}

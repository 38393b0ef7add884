/**
 * @ottr/sdk/node — the SDK for Node 20+: everything of `@ottr/sdk`, plus `nodePlatform()` (the
 * `ws` package, global fetch and timers), `FileStore` (a JSON file, atomic writes) and a
 * `createClient` that fills them in.
 */
import { createClient as createCoreClient, MemoryStore, type ClientOptions, type OttrClient, type Platform } from '../core/index.js';
import { FileStore } from './file-store.js';
import { nodePlatform } from './platform.js';

export * from '../core/index.js';
export { FileStore } from './file-store.js';
export { nodePlatform, wrapWs } from './platform.js';

/** Options of the Node `createClient`: the core's, with the platform optional and a file for the store. */
export interface NodeClientOptions extends Omit<ClientOptions, 'platform'> {
  /** Parts of the platform to replace (default: `nodePlatform()`). */
  platform?: Partial<Platform>;
  /** Keep the client's data in this JSON file (a FileStore), unless `store` is given. Default: in memory. */
  storePath?: string;
}

/** Creates a client on Node: `createClient({ baseUrl, storePath: 'ottr.json' })`. */
export function createClient(options: NodeClientOptions): OttrClient {
  const { storePath, platform, ...rest } = options;
  return createCoreClient({
    ...rest,
    platform: nodePlatform(platform),
    store: rest.store ?? (storePath ? new FileStore(storePath) : new MemoryStore()),
  });
}

/**
 * @ottr/sdk/node — the SDK for Node 20+: everything of `@ottr/sdk`, plus `nodePlatform()` (the
 * `ws` package, global fetch and timers), `FileStore` (a JSON file, atomic writes), media from and
 * to files, and a `createClient` that fills them in.
 */
import { MemoryStore, OttrClient, type ClientOptions, type Platform } from '../core/index.js';
import { FileStore } from './file-store.js';
import { NodeMediaApi } from './media.js';
import { nodePlatform } from './platform.js';

export * from '../core/index.js';
export { FileStore } from './file-store.js';
export { nodePlatform, wrapWs } from './platform.js';
export type { DownloadToOptions, NodeMediaApi, NodeUploadSource } from './media.js';

/** A client on Node: its `media` also uploads `{ path }` and has `downloadTo`. */
export type NodeOttrClient = OttrClient & { readonly media: NodeMediaApi };

/** Options of the Node `createClient`: the core's, with the platform optional and a file for the store. */
export interface NodeClientOptions extends Omit<ClientOptions, 'platform'> {
  /** Parts of the platform to replace (default: `nodePlatform()`). */
  platform?: Partial<Platform>;
  /** Keep the client's data in this JSON file (a FileStore), unless `store` is given. Default: in memory. */
  storePath?: string;
}

/** Creates a client on Node: `createClient({ baseUrl, storePath: 'ottr.json' })`. */
export function createClient(options: NodeClientOptions): NodeOttrClient {
  const { storePath, platform, ...rest } = options;
  const client = new OttrClient(
    {
      ...rest,
      platform: nodePlatform(platform),
      store: rest.store ?? (storePath ? new FileStore(storePath) : new MemoryStore()),
    },
    { media: NodeMediaApi },
  );
  return client as NodeOttrClient;
}

/** Helpers of the Node-only SDK end-to-end tests. */
import { createClient, MemoryStore, type OttrClient, type SdkStore, type SessionInput } from '@ottr/sdk/node';

/** A Node client with quick reconnects (tests cut connections on purpose). */
export function nodeClient(baseUrl: string, session: SessionInput | undefined, opts: { store?: SdkStore; wsUrl?: string; pingIntervalMs?: number } = {}): OttrClient {
  return createClient({
    baseUrl,
    store: opts.store ?? new MemoryStore(),
    ...(session ? { session } : {}),
    ...(opts.wsUrl ? { wsUrl: opts.wsUrl } : {}),
    connection: { backoff: { baseMs: 20, maxMs: 400 }, stableMs: 2000, ...(opts.pingIntervalMs ? { pingIntervalMs: opts.pingIntervalMs } : {}) },
    reorderWindowMs: 100,
  });
}

/** Text of text messages. */
export function textOf(m: { content: { kind: string; text?: string } | null }): string | null {
  return m.content?.kind === 'text' ? (m.content.text ?? null) : null;
}

export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

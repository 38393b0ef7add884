import type { SdkStore } from '@ottr/sdk/node';
import type { ProfileStore, StoredSession } from './store.js';

const SESSION_KEY = 'session';

/**
 * The SDK's store for one CLI run: the session lives in the profile file (so tokens the SDK
 * refreshes are written back at once, under the profile lock), everything else — sync cursor,
 * outbox, caches — in memory for the life of the command (each command waits for what it sends).
 */
export class ProfileSdkStore implements SdkStore {
  private readonly memory = new Map<string, string>();

  constructor(private readonly profile: ProfileStore) {}

  async get(key: string): Promise<unknown> {
    if (key === SESSION_KEY) return (await this.profile.load()).session;
    const raw = this.memory.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as unknown);
  }

  async write(entries: ReadonlyArray<readonly [string, unknown]>): Promise<void> {
    for (const [key, value] of entries) {
      if (key !== SESSION_KEY) {
        if (value === undefined) this.memory.delete(key);
        else this.memory.set(key, JSON.stringify(value));
      }
    }
    const session = entries.find(([key]) => key === SESSION_KEY);
    if (!session) return;
    const value = session[1] as StoredSession | undefined;
    await this.profile.update((p) => {
      if (value === undefined) {
        delete p.session;
        return p;
      }
      // Keep what the CLI adds (identifier, display name) when the SDK saves rotated tokens.
      return { ...p, session: { ...p.session, ...value } };
    });
  }

  async keys(prefix: string): Promise<string[]> {
    const keys = [...this.memory.keys()];
    if ((await this.profile.load()).session) keys.push(SESSION_KEY);
    return keys.filter((k) => k.startsWith(prefix));
  }
}

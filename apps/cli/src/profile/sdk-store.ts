import { KEYS, type SdkStore } from '@ottr/sdk/node';
import type { ProfileStore, StoredSession } from './store.js';

const SESSION_KEY = 'session';
/** Kept in the profile file, so that `ottr send --file` resumes an upload a previous run left unfinished. */
const persisted = (key: string) => key.startsWith(KEYS.uploadsPrefix);

/**
 * The SDK's store for one CLI run: the session lives in the profile file (so tokens the SDK
 * refreshes are written back at once, under the profile lock), and so do unfinished uploads;
 * everything else — sync cursor, outbox, caches — in memory for the life of the command (each
 * command waits for what it sends).
 */
export class ProfileSdkStore implements SdkStore {
  private readonly memory = new Map<string, string>();

  constructor(private readonly profile: ProfileStore) {}

  async get(key: string): Promise<unknown> {
    if (key === SESSION_KEY) return (await this.profile.load()).session;
    if (persisted(key)) return (await this.profile.load()).uploads?.[key];
    const raw = this.memory.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as unknown);
  }

  async write(entries: ReadonlyArray<readonly [string, unknown]>): Promise<void> {
    for (const [key, value] of entries) {
      if (key === SESSION_KEY || persisted(key)) continue;
      if (value === undefined) this.memory.delete(key);
      else this.memory.set(key, JSON.stringify(value));
    }
    const session = entries.find(([key]) => key === SESSION_KEY);
    const uploads = entries.filter(([key]) => persisted(key));
    if (!session && uploads.length === 0) return;
    await this.profile.update((p) => {
      if (session) {
        const value = session[1] as StoredSession | undefined;
        if (value === undefined) delete p.session;
        // Keep what the CLI adds (identifier, display name) when the SDK saves rotated tokens.
        else p = { ...p, session: { ...p.session, ...value } };
      }
      if (uploads.length > 0) {
        const next = { ...p.uploads };
        for (const [key, value] of uploads) {
          if (value === undefined) delete next[key];
          else next[key] = value;
        }
        if (Object.keys(next).length === 0) delete p.uploads;
        else p.uploads = next;
      }
      return p;
    });
  }

  async keys(prefix: string): Promise<string[]> {
    const profile = await this.profile.load();
    const keys = [...this.memory.keys(), ...Object.keys(profile.uploads ?? {})];
    if (profile.session) keys.push(SESSION_KEY);
    return keys.filter((k) => k.startsWith(prefix));
  }
}

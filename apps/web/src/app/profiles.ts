import type { AccountId, OttrClient, Profile } from '@ottr/sdk/browser';

/** How long a fetched profile is trusted before it is fetched again (names change rarely). */
const FRESH_MS = 10 * 60_000;

/**
 * Profiles of other accounts, for names and avatars: fetched on first use (batched into one
 * request per tick), kept in memory, refetched after a while. `get` never blocks: it returns
 * what is known (null at first) and notifies subscribers when a fetch lands.
 */
export class Profiles {
  private readonly known = new Map<AccountId, { profile: Profile; at: number }>();
  private readonly wanted = new Set<AccountId>();
  private readonly inFlight = new Set<AccountId>();
  private readonly listeners = new Set<() => void>();
  private scheduled = false;

  constructor(private readonly client: OttrClient) {}

  get(id: AccountId): Profile | null {
    const entry = this.known.get(id);
    if (!entry || Date.now() - entry.at > FRESH_MS) this.want(id);
    return entry?.profile ?? null;
  }

  /** A name to show: the display name, or a placeholder while unknown. */
  name(id: AccountId): string {
    return this.get(id)?.displayName || 'Someone';
  }

  /** Puts a profile known from elsewhere (a lookup, your own account). */
  put(profile: Profile): void {
    this.known.set(profile.id, { profile, at: Date.now() });
    this.notify();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private want(id: AccountId): void {
    if (this.inFlight.has(id)) return;
    this.wanted.add(id);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => void this.fetch());
  }

  private async fetch(): Promise<void> {
    this.scheduled = false;
    const ids = [...this.wanted];
    this.wanted.clear();
    ids.forEach((id) => this.inFlight.add(id));
    try {
      const profiles = await this.client.profile.getMany(ids);
      const now = Date.now();
      for (const p of profiles) this.known.set(p.id, { profile: p, at: now });
      this.notify();
    } catch {
      // Offline or refused: names stay placeholders and are asked again on next use.
    } finally {
      ids.forEach((id) => this.inFlight.delete(id));
    }
  }

  private notify(): void {
    // A new Map identity is not needed: get() reads through, and subscribers re-render.
    for (const l of this.listeners) l();
  }
}

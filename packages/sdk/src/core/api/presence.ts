import { LIMITS, type AccountId, type Presence } from '@ottr/protocol';
import type { ClientCore } from '../client.js';

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const REST_BATCH = 100;

/**
 * Presence: who is online (as their privacy allows). Subscriptions survive reconnects: the
 * client subscribes again whenever it becomes live; changes come as `presence` events.
 */
export class PresenceApi {
  private readonly watched = new Set<AccountId>();

  constructor(private readonly core: ClientCore) {}

  /** Watches accounts; returns their current state. */
  async subscribe(accountIds: AccountId[]): Promise<Presence[]> {
    const fresh = [...new Set(accountIds)];
    for (const id of fresh) this.watched.add(id);
    if (fresh.length === 0) return [];
    if (!this.core.live()) return this.get(fresh);
    const out: Presence[] = [];
    for (const batch of chunks(fresh, LIMITS.presenceSubscriptions)) {
      out.push(...(await this.core.conn.request({ type: 'presence_subscribe', accountIds: batch })).presence);
    }
    return out;
  }

  /** Stops watching accounts. */
  async unsubscribe(accountIds: AccountId[]): Promise<void> {
    for (const id of accountIds) this.watched.delete(id);
    if (!this.core.live() || accountIds.length === 0) return;
    for (const batch of chunks(accountIds, LIMITS.presenceSubscriptions)) {
      await this.core.conn.request({ type: 'presence_unsubscribe', accountIds: batch });
    }
  }

  /** The accounts being watched. */
  watching(): AccountId[] {
    return [...this.watched];
  }

  /** The current state of accounts, once (REST). */
  async get(accountIds: AccountId[]): Promise<Presence[]> {
    const out: Presence[] = [];
    for (const batch of chunks(accountIds, REST_BATCH)) {
      out.push(...(await this.core.rest.request('getPresence', { query: { accountIds: batch.join(',') } })).items);
    }
    return out;
  }

  /** Subscribes again after a reconnect (the server forgets subscriptions with the socket). */
  resubscribe(): void {
    if (this.watched.size === 0) return;
    this.subscribe([...this.watched]).then(
      (states) => states.forEach((p) => this.core.emit('presence', p)),
      (err: unknown) => this.core.report(err, 'subscribing to presence'),
    );
  }
}

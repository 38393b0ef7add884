import { LIMITS, type AccountId, type ConversationId, type Presence } from '@ottr/protocol';
import { AppError } from '../../errors/index.js';
import type { Bus, BusSubscription, Clock, PresenceDirectory, Store } from '../../ports/index.js';
import type { ConnectionContext, ConnectionListener } from '../../handlers.js';
import type { ServerConfig } from '../../config.js';
import { presenceSubject, type Delivery } from '../delivery/index.js';
import { requireMember } from '../conversations/index.js';

export interface PresenceDeps {
  store: Store;
  bus: Bus;
  delivery: Delivery;
  clock: Clock;
  config: ServerConfig;
  /** Which accounts are online on any node (in memory for one node; shared for a cluster). */
  directory: PresenceDirectory;
  /** Failures of the directory (presence is best effort: a failure is logged, never thrown at a connection). */
  onError?: (err: unknown) => void;
}

/**
 * Presence (online, last seen) and typing indicators: ephemeral, never stored except an
 * account's last-seen time when its last connection closes.
 *
 * Who sees X's presence: X itself; others only when they share a conversation with X and X's
 * privacy allows it — `everyone`: a direct chat or a group; `contacts`: a direct chat;
 * `nobody`: no one. Hidden presence reads as offline with no last seen.
 *
 * Online state: this node counts its own connections per account and tells the presence
 * directory (ports/presence.ts) only its first-opened and last-closed edges; the directory,
 * shared by every node, says whether that made the account come online or go offline anywhere,
 * and only those transitions are announced. Accounts of a node that died are reported by the
 * directory on the node that expired it, which announces them offline. Changes go out on the
 * bus subject `presence.<accountId>`; a node subscribes to it while one of its connections
 * watches that account.
 */
export class PresenceService implements ConnectionListener {
  private readonly online = new Map<AccountId, number>();
  /** watched account → (connection id → watching account) */
  private readonly watchers = new Map<AccountId, Map<string, AccountId>>();
  private readonly watching = new Map<string, Set<AccountId>>();
  private readonly busSubs = new Map<AccountId, BusSubscription>();
  private readonly lastTyping = new Map<string, number>();

  /** Directory calls in flight per account, chained so that one account's edges apply in order. */
  private readonly edges = new Map<AccountId, Promise<void>>();

  constructor(private readonly deps: PresenceDeps) {
    deps.directory.onChange(({ accountIds, online }) => {
      const at = this.deps.clock.now();
      for (const id of accountIds) {
        if (!online && this.online.has(id)) continue; // connected here: not offline
        this.announce(id, online, at);
        if (!online) this.setLastSeen(id, at);
      }
    });
  }

  onOpen(conn: ConnectionContext): void {
    const n = (this.online.get(conn.accountId) ?? 0) + 1;
    this.online.set(conn.accountId, n);
    if (n === 1) {
      this.edge(conn.accountId, async () => {
        if (await this.deps.directory.connected(conn.accountId)) this.announce(conn.accountId, true, this.deps.clock.now());
      });
    }
  }

  /** Resolves once every directory call in flight has settled (before the directory closes). */
  async settled(): Promise<void> {
    while (this.edges.size > 0) await Promise.all(this.edges.values());
  }

  private edge(accountId: AccountId, fn: () => Promise<void>): void {
    const next = (this.edges.get(accountId) ?? Promise.resolve())
      .then(fn)
      .catch((err: unknown) => this.deps.onError?.(err))
      .finally(() => {
        if (this.edges.get(accountId) === next) this.edges.delete(accountId);
      });
    this.edges.set(accountId, next);
  }

  private setLastSeen(accountId: AccountId, at: number): void {
    this.deps.store.accounts.setLastSeen(accountId, at).catch(() => {
      // Last seen is best effort; a failure here must not affect the closing connection.
    });
  }

  onClose(conn: ConnectionContext): void {
    for (const target of this.watching.get(conn.connectionId) ?? []) this.unwatch(conn.connectionId, target);
    this.watching.delete(conn.connectionId);
    for (const key of this.lastTyping.keys()) if (key.startsWith(`${conn.connectionId}:`)) this.lastTyping.delete(key);
    const n = (this.online.get(conn.accountId) ?? 1) - 1;
    if (n > 0) {
      this.online.set(conn.accountId, n);
      return;
    }
    this.online.delete(conn.accountId);
    const at = this.deps.clock.now();
    // Last seen is when this node's last connection closed, whether or not another node still
    // has one (then it reads online, and last seen is not shown).
    this.setLastSeen(conn.accountId, at);
    this.edge(conn.accountId, async () => {
      if (await this.deps.directory.disconnected(conn.accountId)) this.announce(conn.accountId, false, at);
    });
  }

  /** Presence of each account as `viewer` may see it (hidden: offline, no last seen). */
  async get(viewer: AccountId, accountIds: readonly AccountId[]): Promise<Presence[]> {
    return (await this.resolve(viewer, accountIds)).map((r) => r.presence);
  }

  /** Current presence of the accounts, and `presence` frames on this connection while they change. */
  async subscribe(conn: ConnectionContext, accountIds: readonly AccountId[]): Promise<Presence[]> {
    const resolved = await this.resolve(conn.accountId, accountIds);
    const watching = this.watching.get(conn.connectionId) ?? new Set<AccountId>();
    this.watching.set(conn.connectionId, watching);
    for (const { presence, visible } of resolved) {
      // Only what the viewer may see is watched; hidden accounts stay hidden.
      if (!visible || watching.has(presence.accountId)) continue;
      if (watching.size >= LIMITS.presenceSubscriptions) throw new AppError('bad_request', `At most ${LIMITS.presenceSubscriptions} presence subscriptions per connection`);
      watching.add(presence.accountId);
      this.watch(conn, presence.accountId);
    }
    return resolved.map((r) => r.presence);
  }

  private async resolve(viewer: AccountId, accountIds: readonly AccountId[]): Promise<{ presence: Presence; visible: boolean }[]> {
    const unique = [...new Set(accountIds)];
    const records = new Map((await this.deps.store.accounts.getMany(unique)).map((a) => [a.id, a]));
    const seen = await Promise.all(
      unique.map(async (accountId) => {
        const account = records.get(accountId);
        const visible = !!account && account.deletedAt === null && (await this.maySee(viewer, accountId, account.presencePrivacy));
        return { accountId, account, visible };
      }),
    );
    // Connected here: online without asking; the rest in one question to the directory.
    const ask = seen.filter((r) => r.visible && !this.online.has(r.accountId)).map((r) => r.accountId);
    const elsewhere = ask.length > 0 ? await this.deps.directory.online(ask) : new Set<AccountId>();
    return seen.map(({ accountId, account, visible }) => {
      if (!visible || !account) return { presence: { accountId, online: false, lastSeenAt: null }, visible };
      const online = this.online.has(accountId) || elsewhere.has(accountId);
      return { presence: { accountId, online, lastSeenAt: online ? this.deps.clock.now() : account.lastSeenAt }, visible };
    });
  }

  unsubscribe(conn: ConnectionContext, accountIds: readonly AccountId[]): void {
    const watching = this.watching.get(conn.connectionId);
    for (const id of accountIds) {
      if (watching?.delete(id)) this.unwatch(conn.connectionId, id);
    }
  }

  /**
   * Typing: shown to the other members' devices for `typing.expiresMs` unless renewed; a
   * `typing` state is passed on at most once per `typing.throttleMs` per connection and
   * conversation, `stopped` always. Not available in channels.
   */
  async typing(conn: ConnectionContext, conversationId: ConversationId, state: 'typing' | 'stopped'): Promise<void> {
    const { conversation } = await requireMember(this.deps.store, conversationId, conn.accountId);
    if (conversation.kind === 'channel') throw new AppError('forbidden', 'Typing is not shown in channels');
    const key = `${conn.connectionId}:${conversationId}`;
    const now = this.deps.clock.now();
    if (state === 'typing') {
      const last = this.lastTyping.get(key);
      if (last !== undefined && now - last < this.deps.config.typing.throttleMs) return;
      this.lastTyping.set(key, now);
    } else this.lastTyping.delete(key);
    const others = (await this.deps.store.conversations.activeMemberIds(conversationId)).filter((id) => id !== conn.accountId);
    this.deps.delivery.toAccounts(others, {
      type: 'typing',
      conversationId,
      accountId: conn.accountId,
      state,
      expiresInMs: this.deps.config.typing.expiresMs,
    });
  }

  private async maySee(viewer: AccountId, target: AccountId, privacy: 'everyone' | 'contacts' | 'nobody'): Promise<boolean> {
    if (viewer === target) return true;
    if (privacy === 'nobody') return false;
    const rel = await this.deps.store.conversations.relation(viewer, target);
    return privacy === 'everyone' ? rel.direct || rel.group : rel.direct;
  }

  private watch(conn: ConnectionContext, target: AccountId): void {
    let map = this.watchers.get(target);
    if (!map) {
      this.watchers.set(target, (map = new Map<string, AccountId>()));
      this.busSubs.set(
        target,
        this.deps.bus.subscribe(presenceSubject(target), (m) => {
          if (m.frame) this.deps.delivery.forward(new Set(this.watchers.get(target)?.values() ?? []), m.frame);
        }),
      );
    }
    map.set(conn.connectionId, conn.accountId);
  }

  private unwatch(connectionId: string, target: AccountId): void {
    const map = this.watchers.get(target);
    if (!map) return;
    map.delete(connectionId);
    if (map.size > 0) return;
    this.watchers.delete(target);
    this.busSubs.get(target)?.unsubscribe();
    this.busSubs.delete(target);
  }

  /** Publishes an online/offline change, unless the account hides its presence from everyone. */
  private announce(accountId: AccountId, online: boolean, at: number): void {
    this.deps.store.accounts
      .get(accountId)
      .then((account) => {
        if (!account || account.presencePrivacy === 'nobody') return;
        const frame = JSON.stringify({ type: 'presence', accountId, online, lastSeenAt: at });
        this.deps.bus.publish(presenceSubject(accountId), { frame });
      })
      .catch(() => {
        // Presence is best effort; subscribers see the state on their next subscribe.
      });
  }
}

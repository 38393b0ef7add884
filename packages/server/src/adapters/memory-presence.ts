import type { AccountId } from '@ottr/protocol';
import type { PresenceChange, PresenceDirectory } from '../ports/index.js';

/** Connected accounts → the MemoryPresence instances ("nodes") that have them. */
export class MemoryPresenceHub {
  readonly accounts = new Map<AccountId, Set<MemoryPresence>>();
}

/**
 * The in-memory presence directory, the default for one node. Instances sharing a hub act as
 * nodes of one process (tests). A node here cannot die without its process, so `onChange`
 * never fires: expiry of silent nodes is the distributed adapters' part.
 */
export class MemoryPresence implements PresenceDirectory {
  private readonly accounts: Map<AccountId, Set<MemoryPresence>>;

  constructor(hub: MemoryPresenceHub = new MemoryPresenceHub()) {
    this.accounts = hub.accounts;
  }

  connected(accountId: AccountId): Promise<boolean> {
    let nodes = this.accounts.get(accountId);
    if (!nodes) this.accounts.set(accountId, (nodes = new Set()));
    const first = nodes.size === 0 || (nodes.size === 1 && nodes.has(this));
    nodes.add(this);
    return Promise.resolve(first);
  }

  disconnected(accountId: AccountId): Promise<boolean> {
    const nodes = this.accounts.get(accountId);
    nodes?.delete(this);
    if (nodes && nodes.size > 0) return Promise.resolve(false);
    this.accounts.delete(accountId);
    return Promise.resolve(true);
  }

  online(accountIds: readonly AccountId[]): Promise<Set<AccountId>> {
    return Promise.resolve(new Set(accountIds.filter((id) => (this.accounts.get(id)?.size ?? 0) > 0)));
  }

  onChange(_listener: (change: PresenceChange) => void): void {
    // Nothing changes behind this node's back in one process.
  }

  close(): Promise<void> {
    for (const [id, nodes] of this.accounts) if (nodes.delete(this) && nodes.size === 0) this.accounts.delete(id);
    return Promise.resolve();
  }
}

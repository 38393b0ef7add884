import type { AccountId } from '@ottr/protocol';

/** Accounts whose online state changed without this node's connections changing. */
export interface PresenceChange {
  accountIds: AccountId[];
  online: boolean;
}

/**
 * Which accounts have a connected device on some node: the online half of presence, shared by
 * every node of a cluster. Each node reports only its own edges — its first connection of an
 * account opened, its last one closed — and is told whether that changed the account's state
 * cluster-wide, so that exactly the real transitions are announced.
 *
 * A node that stops (crash, partition) without reporting must not keep its accounts online for
 * ever: a distributed adapter expires a silent node's entries (TTL refreshed by a heartbeat)
 * and reports the accounts that went offline through `onChange`, on the node that noticed.
 *
 * The default is in memory (one node); every adapter runs testing/presence-conformance.ts.
 */
export interface PresenceDirectory {
  /** This node's first connection of the account opened. Resolves true when no other node had one (it came online). */
  connected(accountId: AccountId): Promise<boolean>;
  /** This node's last connection of the account closed. Resolves true when no live node has one any more (it went offline). */
  disconnected(accountId: AccountId): Promise<boolean>;
  /** Those of `accountIds` connected on some live node. */
  online(accountIds: readonly AccountId[]): Promise<Set<AccountId>>;
  /**
   * Registers the listener of changes no connection of this node caused: accounts of a node
   * that stopped heartbeating went offline (reported once, by the node that expired it), or
   * this node's own accounts are back after it had been taken for dead.
   */
  onChange(listener: (change: PresenceChange) => void): void;
  /** Withdraws this node's entries and stops the heartbeat. */
  close(): Promise<void>;
}

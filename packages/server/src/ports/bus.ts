/**
 * The bus port: fan-out of realtime deliveries between server nodes. At-most-once: a message
 * may be lost (a node restarts, the broker hiccups); nothing relies on it for durability —
 * devices heal any gap by sync from storage.
 *
 * Every adapter runs the conformance suite in testing/bus-conformance.ts.
 *
 * Subjects: `acct.<accountId>` (everything for the devices of one account) and
 * `presence.<accountId>` (online/offline changes of one account).
 */
export interface BusMessage {
  /** A serialized server frame, written as is to the subject's sockets. */
  frame?: string;
  /** A connection id to skip (the sending connection itself). */
  except?: string;
  /** Close sockets instead of writing: those of one device, or all of the account. */
  close?: { code: number; reason: string; deviceId?: string };
}

export interface BusSubscription {
  unsubscribe(): void;
  /**
   * Resolves once the subscription is in effect: a message published anywhere after that
   * reaches it. In-process at once; on a broker when it has registered the subscription. Never
   * rejects (a broker that is down resolves it when it is back, or never). A node awaits it
   * (with a time cap) before a device's `ready`, so that the device's sync and the live stream
   * leave no gap between them.
   */
  readonly ready: Promise<void>;
}

export interface Bus {
  publish(subject: string, message: BusMessage): void;
  subscribe(subject: string, handler: (message: BusMessage) => void): BusSubscription;
  close(): Promise<void>;
}

/**
 * The bus port: fan-out of realtime deliveries between server nodes. At-most-once: a message
 * may be lost (a node restarts, the broker hiccups); nothing relies on it for durability —
 * devices heal any gap by sync from storage.
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
}

export interface Bus {
  publish(subject: string, message: BusMessage): void;
  subscribe(subject: string, handler: (message: BusMessage) => void): BusSubscription;
  close(): Promise<void>;
}

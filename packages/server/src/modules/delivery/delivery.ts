import type { AccountId, DeviceId, ServerFrame } from '@ottr/protocol';
import type { Bus, BusMessage } from '../../ports/index.js';

export const accountSubject = (accountId: AccountId | string): string => `acct.${accountId}`;
export const presenceSubject = (accountId: AccountId | string): string => `presence.${accountId}`;

/**
 * Hands realtime frames to the devices of accounts, wherever they are connected, through the
 * bus. A frame is serialized once and the same string goes to every recipient. Delivery is
 * best effort: what a device misses it gets by sync.
 */
export class Delivery {
  constructor(
    private readonly bus: Bus,
    /** Told how many accounts each frame was handed to. */
    private readonly onFanOut: (accounts: number) => void = () => {},
  ) {}

  /** Sends `frame` to every connected device of each account, except the connection `except`. */
  toAccounts(accountIds: Iterable<AccountId>, frame: ServerFrame, except?: string): void {
    const message: BusMessage = { frame: JSON.stringify(frame) };
    if (except !== undefined) message.except = except;
    let n = 0;
    for (const id of accountIds) {
      this.bus.publish(accountSubject(id), message);
      n++;
    }
    this.onFanOut(n);
  }

  /** Passes an already serialized frame on to every connected device of each account. */
  forward(accountIds: Iterable<AccountId>, frame: string): void {
    for (const id of accountIds) this.bus.publish(accountSubject(id), { frame });
  }

  /** Closes the sockets of one device (signed out), wherever they are. */
  closeDevice(accountId: AccountId, deviceId: DeviceId, code: number, reason: string): void {
    this.bus.publish(accountSubject(accountId), { close: { code, reason, deviceId } });
  }

  /** Closes every socket of an account (deleted). */
  closeAccount(accountId: AccountId, code: number, reason: string): void {
    this.bus.publish(accountSubject(accountId), { close: { code, reason } });
  }
}

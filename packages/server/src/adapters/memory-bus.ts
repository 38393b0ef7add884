import type { Bus, BusMessage, BusSubscription } from '../ports/index.js';

/**
 * The in-process bus, the default for one node. Handlers run synchronously in publish order;
 * a throwing handler is isolated from the others (and reported to `onError`).
 */
export class MemoryBus implements Bus {
  private readonly subjects = new Map<string, Set<(m: BusMessage) => void>>();

  constructor(private readonly onError: (err: unknown) => void = () => {}) {}

  publish(subject: string, message: BusMessage): void {
    const handlers = this.subjects.get(subject);
    if (!handlers) return;
    for (const h of handlers) {
      try {
        h(message);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  subscribe(subject: string, handler: (message: BusMessage) => void): BusSubscription {
    let set = this.subjects.get(subject);
    if (!set) this.subjects.set(subject, (set = new Set()));
    // Wrap so that the same function subscribed twice gets two independent subscriptions.
    const h = (m: BusMessage): void => handler(m);
    set.add(h);
    return {
      unsubscribe: () => {
        const s = this.subjects.get(subject);
        if (!s) return;
        s.delete(h);
        if (s.size === 0) this.subjects.delete(subject);
      },
    };
  }

  close(): Promise<void> {
    this.subjects.clear();
    return Promise.resolve();
  }
}

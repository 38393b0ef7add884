import type { Bus, BusMessage, BusSubscription } from '../ports/index.js';

type Handler = (m: BusMessage) => void;

/**
 * The subscriptions that several MemoryBus instances share: "nodes" in one process (tests of
 * several nodes without a broker). Each MemoryBus has its own hub unless given one.
 */
export class MemoryBusHub {
  readonly subjects = new Map<string, Set<Handler>>();
}

/**
 * The in-process bus, the default for one node. Handlers run synchronously in publish order;
 * a throwing handler is isolated from the others (and reported to `onError`). Instances given
 * the same MemoryBusHub see each other's publishes; `close` removes only this instance's
 * subscriptions.
 */
export class MemoryBus implements Bus {
  private readonly subjects: Map<string, Set<Handler>>;
  private readonly own = new Set<{ subject: string; h: Handler }>();

  constructor(
    private readonly onError: (err: unknown) => void = () => {},
    hub: MemoryBusHub = new MemoryBusHub(),
  ) {
    this.subjects = hub.subjects;
  }

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
    const entry = { subject, h };
    this.own.add(entry);
    return {
      ready: Promise.resolve(),
      unsubscribe: () => {
        this.own.delete(entry);
        this.remove(subject, h);
      },
    };
  }

  close(): Promise<void> {
    for (const { subject, h } of this.own) this.remove(subject, h);
    this.own.clear();
    return Promise.resolve();
  }

  private remove(subject: string, h: Handler): void {
    const s = this.subjects.get(subject);
    if (!s) return;
    s.delete(h);
    if (s.size === 0) this.subjects.delete(subject);
  }
}

/**
 * What a fake push service accepted, in order, and a way to wait until `n` arrived: the one
 * bookkeeping the three fakes share.
 */
export class Inbox<T> {
  readonly items: T[] = [];
  private readonly waiters = new Set<() => void>();

  /** `name` and `errors` say what timed out: "fake FCM: 1 of 2 messages after 5000 ms; errors: …". */
  constructor(
    private readonly name: string,
    private readonly noun: string,
    private readonly errors: () => readonly unknown[],
  ) {}

  add(item: T): void {
    this.items.push(item);
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves with the items once there are at least `n`; rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs: number): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.items.length < n) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(this.items);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        const errors = this.errors().map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
        reject(new Error(`${this.name}: ${this.items.length} of ${n} ${this.noun} after ${timeoutMs} ms; errors: ${errors.join('; ') || 'none'}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }
}

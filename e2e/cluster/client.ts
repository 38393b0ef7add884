/** A bare WebSocket client of the ottr protocol for the cluster tests: requests by id, pushed frames kept. */
import WebSocket from 'ws';

export type Frame = { type: string; id?: string; [k: string]: unknown };

export class WsClient {
  readonly pushed: Frame[] = [];
  readonly closed: Promise<number>;
  private readonly pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private waiters: { test: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  private n = 0;

  private constructor(
    private readonly ws: WebSocket,
    /** Told of every pushed frame, before anyone waits for it (a log that `next` cannot consume). */
    private readonly onPush: (f: Frame) => void = () => {},
  ) {
    this.closed = new Promise((resolve) =>
      ws.once('close', (code) => {
        for (const p of this.pending.values()) p.reject(new Error(`socket closed (${code})`));
        this.pending.clear();
        resolve(code);
      }),
    );
    ws.on('message', (data: Buffer) => this.onFrame(JSON.parse(data.toString('utf8')) as Frame));
  }

  /** Connects to a node's /v1/ws and authenticates; resolves after `ready`. */
  static async connect(baseUrl: string, token: string, onPush?: (f: Frame) => void): Promise<WsClient> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/ws`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const c = new WsClient(ws, onPush);
    await c.call({ type: 'auth', token });
    return c;
  }

  call<T = unknown>(frame: Frame): Promise<T> {
    const id = `c${++this.n}`;
    // ws drops what is sent on a closed socket without a word: fail at once instead of never.
    if (!this.open) return Promise.reject(new Error(`socket not open (readyState ${this.ws.readyState})`));
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.ws.send(JSON.stringify({ ...frame, id }));
    });
  }

  /** The first pushed frame of `type` matching `test`, received already or within `timeoutMs`. */
  next<T = Frame>(type: string, test: (f: Frame & T) => boolean = () => true, timeoutMs = 30_000): Promise<Frame & T> {
    const match = (f: Frame) => f.type === type && test(f as Frame & T);
    const i = this.pushed.findIndex(match);
    if (i >= 0) return Promise.resolve(this.pushed.splice(i, 1)[0] as Frame & T);
    return new Promise((resolve, reject) => {
      const waiter = { test: match, resolve: (f: Frame) => (clearTimeout(timer), resolve(f as Frame & T)) };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${type} frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  close(): Promise<number> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
    return this.closed;
  }

  private onFrame(f: Frame): void {
    if ((f.type === 'result' || f.type === 'ready' || f.type === 'error') && f.id !== undefined && this.pending.has(f.id)) {
      const p = this.pending.get(f.id)!;
      this.pending.delete(f.id);
      if (f.type === 'error') p.reject(new Error(`${String(f.code)}: ${String(f.message)}`));
      else p.resolve(f.type === 'result' ? f.result : f);
      return;
    }
    this.onPush(f);
    const w = this.waiters.findIndex((x) => x.test(f));
    if (w >= 0) this.waiters.splice(w, 1)[0]!.resolve(f);
    else this.pushed.push(f);
  }
}

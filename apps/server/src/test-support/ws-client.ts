import WebSocket from 'ws';
import type { ClientFrame, ServerFrame } from '@ottr/protocol';

type Pushed = Exclude<ServerFrame, { type: 'result' } | { type: 'ready' }>;
type Request = ClientFrame extends infer F ? (F extends { id: string } ? Omit<F, 'id'> : F) : never;

/** Error carrying the code of an `error` frame. */
export class FrameError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/**
 * A minimal protocol client for tests: authenticates, correlates requests with results, and
 * keeps every pushed frame so a test can wait for the one it expects (no sleeps).
 */
export class TestClient {
  readonly pushed: Pushed[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private waiters: { match: (f: Pushed) => boolean; resolve: (f: Pushed) => void }[] = [];
  private nextId = 1;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        for (const p of this.pending.values()) p.reject(new FrameError('closed', `socket closed with ${code}`));
        this.pending.clear();
        resolve({ code, reason: reason.toString() });
      }),
    );
    ws.on('message', (data: Buffer) => this.onMessage(JSON.parse(data.toString('utf8')) as ServerFrame));
  }

  /** Opens a socket, authenticates, and resolves once `ready` arrived. */
  static async connect(wsUrl: string, token: string): Promise<TestClient> {
    const ws = new WebSocket(wsUrl);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const client = new TestClient(ws);
    await client.call({ type: 'auth', token });
    return client;
  }

  /** Sends a request and resolves with its result (or rejects with a FrameError). */
  call<T = unknown>(frame: Request): Promise<T> {
    const id = `r${this.nextId++}`;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.ws.send(JSON.stringify({ ...frame, id }));
    });
  }

  /** Resolves with the first pushed frame (already received or future) that matches. */
  next<T extends Pushed['type']>(type: T, match: (f: Extract<Pushed, { type: T }>) => boolean = () => true, timeoutMs = 5000): Promise<Extract<Pushed, { type: T }>> {
    const test = (f: Pushed): boolean => f.type === type && match(f as Extract<Pushed, { type: T }>);
    const i = this.pushed.findIndex(test);
    if (i >= 0) return Promise.resolve(this.pushed.splice(i, 1)[0] as Extract<Pushed, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} frame within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match: test,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f as Extract<Pushed, { type: T }>);
        },
      });
    });
  }

  /** Pushed frames of a type received so far (not consumed). */
  seen<T extends Pushed['type']>(type: T): Extract<Pushed, { type: T }>[] {
    return this.pushed.filter((f) => f.type === type) as Extract<Pushed, { type: T }>[];
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
    await this.closed;
  }

  private onMessage(frame: ServerFrame): void {
    if (frame.type === 'result' || frame.type === 'ready' || (frame.type === 'error' && frame.id !== undefined && this.pending.has(frame.id))) {
      const p = this.pending.get(frame.id!);
      if (!p) return;
      this.pending.delete(frame.id!);
      if (frame.type === 'error') p.reject(new FrameError(frame.code, frame.message));
      else p.resolve(frame.type === 'result' ? frame.result : frame);
      return;
    }
    const w = this.waiters.findIndex((x) => x.match(frame));
    if (w >= 0) {
      const [waiter] = this.waiters.splice(w, 1);
      waiter!.resolve(frame);
    } else this.pushed.push(frame);
  }
}

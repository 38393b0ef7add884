/**
 * A lean client of the ottr WebSocket protocol for the load generator: requests by id with a
 * callback (no promise per frame on the hot path), pushed frames handed to one handler. It
 * speaks the real protocol over a real socket; nothing here calls server code.
 */
import WebSocket from 'ws';

export type Frame = { type: string; id?: string; [k: string]: unknown };
type Reply = (frame: Frame) => void;

export class LoadClient {
  /** Pushed frames (no id of ours). */
  onPush: (frame: Frame) => void = () => undefined;
  private readonly replies = new Map<string, Reply>();
  private n = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as Frame;
      const reply = frame.id === undefined ? undefined : this.replies.get(frame.id);
      if (reply) {
        this.replies.delete(frame.id!);
        reply(frame);
      } else this.onPush(frame);
    });
    ws.on('close', () => {
      const closed: Frame = { type: 'error', code: 'closed', message: 'socket closed' };
      for (const reply of this.replies.values()) reply(closed);
      this.replies.clear();
    });
  }

  /** Opens `/v1/ws` on `baseUrl` and authenticates with `token`; resolves once `ready`. */
  static async connect(baseUrl: string, token: string): Promise<LoadClient> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/ws`, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.on('error', () => undefined);
    const client = new LoadClient(ws);
    const ready = await client.call({ type: 'auth', token });
    if (ready.type !== 'ready') throw new Error(`auth failed: ${JSON.stringify(ready)}`);
    return client;
  }

  /** Requests sent and not answered yet. */
  get pending(): number {
    return this.replies.size;
  }

  /** Sends a request frame; `reply` gets its `result` or `error` frame. */
  request(frame: Frame, reply: Reply): void {
    const id = String(++this.n);
    this.replies.set(id, reply);
    this.ws.send(JSON.stringify({ ...frame, id }));
  }

  /** A request as a promise (setup paths). Rejects on an `error` frame. */
  call(frame: Frame): Promise<Frame> {
    return new Promise((resolve, reject) =>
      this.request(frame, (f) => (f.type === 'error' ? reject(new Error(`${String(f.code)}: ${String(f.message)}`)) : resolve(f))),
    );
  }

  /** A frame that needs no answer (receipts, typing). */
  notify(frame: Frame): void {
    this.ws.send(JSON.stringify(frame));
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close(1000);
    });
  }
}

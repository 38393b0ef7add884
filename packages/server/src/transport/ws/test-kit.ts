// Test helpers for the gateway tests: a real http server on 127.0.0.1:0 with the gateway
// attached, a real MemoryBus, a token map for `authenticate`, and a ws client that queues frames.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { AccountId, DeviceId, ReadyFrame } from '@ottr/protocol';
import WebSocket, { type ClientOptions } from 'ws';
import { MemoryBus } from '../../adapters/memory-bus.js';
import { resolveServerConfig, type ServerConfig } from '../../config.js';
import { AppError } from '../../errors/index.js';
import type { AuthContext, ConnectionContext, ConnectionListener, FrameHandlers } from '../../handlers.js';
import type { Bus } from '../../ports/index.js';
import { createGateway } from './gateway.js';
import type { Gateway, GatewayLogger } from './types.js';

export const acc = (s: string) => `acc_${s}` as AccountId;
export const dev = (s: string) => `dev_${s}` as DeviceId;

/** token → identity; the special tokens fail as their names say. */
export const TOKENS: Record<string, AuthContext> = {
  alice1: { accountId: acc('alice'), deviceId: dev('alice1') },
  alice2: { accountId: acc('alice'), deviceId: dev('alice2') },
  bob1: { accountId: acc('bob'), deviceId: dev('bob1') },
};

export async function testAuthenticate(token: string): Promise<AuthContext> {
  if (token === 'expired') throw new AppError('token_expired');
  if (token === 'revoked') throw new AppError('session_revoked');
  if (token === 'suspended') throw new AppError('account_suspended');
  if (token === 'boom') throw new Error('database is down');
  if (token === 'never') return new Promise<AuthContext>(() => {});
  const auth = TOKENS[token];
  if (!auth) throw new AppError('unauthorized');
  return auth;
}

export interface LogEntry {
  level: 'error' | 'warn' | 'debug';
  obj: object;
  msg: string | undefined;
}

export interface Harness {
  url: string;
  port: number;
  server: Server;
  gateway: Gateway;
  bus: Bus;
  config: ServerConfig;
  logs: LogEntry[];
  /** Close codes recorded by metrics.onClose, in order. */
  closeCodes: number[];
  /** Resolves with closeCodes once the server has recorded `n` closed sockets. */
  serverClosed(n: number): Promise<number[]>;
  /** Server-side raw sockets of every upgrade, in order. */
  upgradeSockets: Duplex[];
  /** ConnectionContexts seen by a listener's onOpen / onClose. */
  opened: ConnectionContext[];
  closed: ConnectionContext[];
  stop(): Promise<void>;
}

export interface HarnessOptions {
  ws?: Partial<ServerConfig['ws']>;
  handlers?: FrameHandlers;
  listeners?: ConnectionListener[];
  bus?: Bus;
  now?: () => number;
  authenticate?: (token: string) => Promise<AuthContext>;
}

export async function startGateway(options: HarnessOptions = {}): Promise<Harness> {
  const config = resolveServerConfig({ ws: { heartbeatMs: 60_000, authTimeoutMs: 10_000, ...options.ws } });
  const logs: LogEntry[] = [];
  const logger: GatewayLogger = {
    error: (obj, msg) => logs.push({ level: 'error', obj, msg }),
    warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
    debug: (obj, msg) => logs.push({ level: 'debug', obj, msg }),
  };
  const closeCodes: number[] = [];
  const closeWaiters: { n: number; resolve: (codes: number[]) => void }[] = [];
  const onClose = (code: number): void => {
    closeCodes.push(code);
    for (const w of closeWaiters.filter((w) => closeCodes.length >= w.n)) {
      closeWaiters.splice(closeWaiters.indexOf(w), 1);
      w.resolve([...closeCodes]);
    }
  };
  const opened: ConnectionContext[] = [];
  const closed: ConnectionContext[] = [];
  const bus = options.bus ?? new MemoryBus();
  const gateway = createGateway({
    authenticate: options.authenticate ?? testAuthenticate,
    handlers: options.handlers ?? {},
    listeners: [{ onOpen: (c) => opened.push(c), onClose: (c) => closed.push(c) }, ...(options.listeners ?? [])],
    bus,
    config,
    logger,
    metrics: { onClose },
    ...(options.now ? { now: options.now } : {}),
  });
  const server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  gateway.attach(server);
  const upgradeSockets: Duplex[] = [];
  server.on('upgrade', (_req, socket: Duplex) => upgradeSockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/v1/ws`,
    port,
    server,
    gateway,
    bus,
    config,
    logs,
    closeCodes,
    serverClosed: (n) =>
      closeCodes.length >= n ? Promise.resolve([...closeCodes]) : new Promise((resolve) => closeWaiters.push({ n, resolve })),
    upgradeSockets,
    opened,
    closed,
    async stop() {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A received frame, asserted field by field. */
export type AnyFrame = Record<string, unknown>;

export interface Closed {
  code: number;
  reason: string;
}

/** A ws client that queues incoming frames; `next()` fails fast once the socket is closed. */
export class TestClient {
  private readonly queue: AnyFrame[] = [];
  private readonly waiters: { resolve: (f: AnyFrame) => void; reject: (e: Error) => void }[] = [];
  private closedWith: Closed | undefined;
  readonly closed: Promise<Closed>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as AnyFrame;
      const w = this.waiters.shift();
      if (w) w.resolve(frame);
      else this.queue.push(frame);
    });
    ws.on('error', () => {});
    this.closed = new Promise((resolve) => {
      ws.on('close', (code: number, reason: Buffer) => {
        this.closedWith = { code, reason: reason.toString() };
        for (const w of this.waiters.splice(0)) w.reject(new Error(`socket closed with ${code} ${reason.toString()}`));
        resolve(this.closedWith);
      });
    });
  }

  static open(url: string, options?: ClientOptions): Promise<TestClient> {
    const ws = new WebSocket(url, options);
    const client = new TestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  /** Opens a socket and completes `auth` with the token. */
  static async authed(url: string, token: string, options?: ClientOptions): Promise<{ client: TestClient; ready: ReadyFrame }> {
    const client = await TestClient.open(url, options);
    const ready = (await client.request({ type: 'auth', id: 'auth', token })) as ReadyFrame;
    if (ready.type !== 'ready') throw new Error(`auth failed: ${JSON.stringify(ready)}`);
    return { client, ready };
  }

  send(frame: object | string | Buffer): void {
    this.ws.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  }

  next(): Promise<AnyFrame> {
    const f = this.queue.shift();
    if (f) return Promise.resolve(f);
    if (this.closedWith) return Promise.reject(new Error(`socket closed with ${this.closedWith.code}`));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Sends a frame and returns the next frame received (tests send one request at a time). */
  async request(frame: object | string | Buffer): Promise<AnyFrame> {
    this.send(frame);
    return this.next();
  }

  /** Frames received and not yet taken. */
  pending(): number {
    return this.queue.length;
  }

  close(): void {
    this.ws.terminate();
  }
}

/**
 * A deterministic platform for unit tests: a fake clock whose timers run only when the test
 * advances time, scripted sockets, and a fetch answered by a handler. Not part of the public API.
 */
import type { FetchLike, FetchResponseLike, Platform, TimerHandle, WebSocketLike } from './platform.js';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/** A socket the test plays the server of. */
export class FakeSocket implements WebSocketLike {
  onopen: (() => void) | null = null;
  onmessage: ((data: string) => void) | null = null;
  onclose: ((code: number, reason: string) => void) | null = null;
  onerror: ((error: unknown) => void) | null = null;
  /** Frames the client sent, parsed. */
  readonly sent: Record<string, unknown>[] = [];
  /** Set when the client closed the socket. */
  closedByClient: { code?: number; reason?: string } | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.closedByClient) throw new Error('socket closed');
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(code?: number, reason?: string): void {
    this.closedByClient = { ...(code !== undefined ? { code } : {}), ...(reason !== undefined ? { reason } : {}) };
  }

  /** The server accepts the connection. */
  open(): void {
    this.onopen?.();
  }

  /** The server sends a frame. */
  receive(frame: object): void {
    this.onmessage?.(JSON.stringify(frame));
  }

  /** The server (or the network) closes the socket. */
  serverClose(code: number, reason = ''): void {
    this.onclose?.(code, reason);
  }

  /** The last frame the client sent of a type. */
  last(type: string): Record<string, unknown> | undefined {
    return [...this.sent].reverse().find((f) => f.type === type);
  }
}

/** A fake platform and the handles to drive it. */
export interface FakePlatform {
  platform: Platform;
  /** Sockets opened, in order. */
  sockets: FakeSocket[];
  /** Number of timers waiting. */
  pendingTimers(): number;
  /** Moves the clock forward, running due timers in order (letting promises settle between them). */
  advance(ms: number): Promise<void>;
  /** Lets pending promise callbacks run. */
  flush(): Promise<void>;
  /** Answers fetch calls (default: 404). */
  onFetch: (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => { status: number; body?: unknown };
  /** Values returned by random(), cycled (default: 0.5). */
  randomValues: number[];
}

/** Lets every queued promise callback run (a few macrotask-free rounds). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

export function fakePlatform(start = 1_700_000_000_000): FakePlatform {
  let now = start;
  let nextId = 1;
  let randomIndex = 0;
  const timers: Timer[] = [];
  const fake: FakePlatform = {
    sockets: [],
    randomValues: [0.5],
    onFetch: () => ({ status: 404, body: { code: 'route_not_found' } }),
    pendingTimers: () => timers.length,
    flush: settle,
    async advance(ms: number) {
      const end = now + ms;
      await settle();
      for (;;) {
        timers.sort((a, b) => a.at - b.at || a.id - b.id);
        const t = timers[0];
        if (!t || t.at > end) break;
        timers.shift();
        now = t.at;
        t.fn();
        await settle();
      }
      now = end;
      await settle();
    },
    platform: undefined as unknown as Platform,
  };
  const fetch: FetchLike = async (url, init) => {
    const answer = fake.onFetch(url, init);
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    const res: FetchResponseLike = { status: answer.status, headers: { get: () => null }, text: async () => text };
    return res;
  };
  fake.platform = {
    webSocket: (url) => {
      const s = new FakeSocket(url);
      fake.sockets.push(s);
      return s;
    },
    fetch,
    setTimeout: (fn, ms): TimerHandle => {
      const id = nextId++;
      timers.push({ id, at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout: (handle) => {
      const i = timers.findIndex((t) => t.id === handle);
      if (i >= 0) timers.splice(i, 1);
    },
    now: () => now,
    random: () => fake.randomValues[randomIndex++ % fake.randomValues.length]!,
  };
  return fake;
}

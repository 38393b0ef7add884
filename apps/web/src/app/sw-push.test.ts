// The service worker's push logic (public/sw-push.js, plain JS loaded by public/sw.js with
// importScripts), run here against a fake worker scope: notifications, windows, the app badge.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';

const PUBLIC = path.join(import.meta.dirname, '../../public');
const PUSH_JS = readFileSync(path.join(PUBLIC, 'sw-push.js'), 'utf8');
const SW_JS = readFileSync(path.join(PUBLIC, 'sw.js'), 'utf8');

const ORIGIN = 'https://ottr.example';
const A = 'cnv_01JD0000000000000000000001';
const B = 'cnv_01JD0000000000000000000002';

interface ShownNotification {
  title: string;
  body: string;
  tag: string;
  data: { conversationId: string; seq: number };
  options: Record<string, unknown>;
  closed: boolean;
  close(): void;
}

/** A window of the app: which chat it shows, whether it is focused; what the worker sent it. */
class FakeWindow {
  readonly received: unknown[] = [];
  focusedByClick = false;
  constructor(
    readonly url: string,
    public focused: boolean,
    public showing: string | null,
    readonly visibilityState: 'visible' | 'hidden' = 'visible',
    /** false: never answers which chat it shows (a busy or frozen page). */
    readonly answers = true,
  ) {}
  postMessage(message: { type: string }, ports: MessagePort[] = []): void {
    this.received.push(message);
    if (message.type === 'ottr:which-chat' && this.answers) ports[0]!.postMessage({ conversationId: this.showing });
  }
  focus(): Promise<FakeWindow> {
    this.focusedByClick = true;
    return Promise.resolve(this);
  }
}

/** The worker's global scope as far as sw-push.js uses it; a browser shows one notification per tag. */
function fakeScope(windows: FakeWindow[] = []) {
  const notifications: ShownNotification[] = [];
  const opened: string[] = [];
  const badge: { value: number | null } = { value: null };
  const listeners = new Map<string, (event: unknown) => void>();
  const scope = {
    location: { origin: ORIGIN },
    navigator: {
      setAppBadge: (n: number) => {
        badge.value = n;
        return Promise.resolve();
      },
      clearAppBadge: () => {
        badge.value = 0;
        return Promise.resolve();
      },
    },
    registration: {
      getNotifications: ({ tag }: { tag?: string } = {}) => Promise.resolve(notifications.filter((n) => !n.closed && (tag === undefined || n.tag === tag))),
      showNotification: (title: string, options: { body: string; tag: string; data: ShownNotification['data'] }) => {
        for (const n of notifications) if (n.tag === options.tag) n.closed = true;
        const n: ShownNotification = {
          title,
          body: options.body,
          tag: options.tag,
          data: options.data,
          options,
          closed: false,
          close() {
            this.closed = true;
          },
        };
        notifications.push(n);
        return Promise.resolve();
      },
    },
    clients: {
      matchAll: () => Promise.resolve(windows),
      openWindow: (url: string) => {
        opened.push(url);
        return Promise.resolve(null);
      },
      claim: () => Promise.resolve(),
    },
    addEventListener: (type: string, fn: (event: unknown) => void) => listeners.set(type, fn),
    importScripts: (url: string) => {
      if (url !== '/sw-push.js') throw new Error(`unexpected importScripts(${url})`);
      load(scope);
    },
    ottrPush: undefined as unknown as OttrPush,
  };
  return { scope, notifications, opened, badge, listeners, open: () => notifications.filter((n) => !n.closed) };
}

interface OttrPush {
  onPush(scope: unknown, text: string, options?: { answerMs?: number }): Promise<'shown' | 'skipped' | 'cleared' | 'ignored'>;
  onNotificationClick(scope: unknown, notification: { data: unknown; close(): void }): Promise<void>;
}

/** A worker script as a function of the globals it uses (evaluated in this realm, like a classic script). */
function script(code: string, file: string): (self: unknown, caches?: unknown, importScripts?: unknown) => void {
  return vm.runInThisContext(`(function (self, caches, importScripts) {${code}\n})`, { filename: file }) as (self: unknown, caches?: unknown, importScripts?: unknown) => void;
}
const runPush = script(PUSH_JS, 'sw-push.js');
const runSw = script(SW_JS, 'sw.js');

/** Runs sw-push.js with `self` = the fake scope (as importScripts would). */
function load(scope: { ottrPush: OttrPush }): OttrPush {
  runPush(scope);
  return scope.ottrPush;
}

const message = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'message', conversationId: A, seq: 5, title: 'Bob', body: 'Hi Alice', count: 1, badge: 3, ...over });

describe('service worker: push', () => {
  it('a message shows one notification tagged with the conversation, with the badge set', async () => {
    const { scope, open, badge } = fakeScope();
    const push = load(scope);
    expect(await push.onPush(scope, message())).toBe('shown');
    expect(open()).toHaveLength(1);
    const [n] = open();
    expect(n).toMatchObject({ title: 'Bob', body: 'Hi Alice', tag: A, data: { conversationId: A, seq: 5 } });
    expect(n!.options).toMatchObject({ renotify: true, icon: '/icon-192.png', silent: false });
    expect(badge.value).toBe(3);
  });

  it('a quiet push (do-not-disturb hours) shows without sound or vibration', async () => {
    const { scope, open } = fakeScope();
    const push = load(scope);
    expect(await push.onPush(scope, message({ quiet: true }))).toBe('shown');
    expect(open()[0]!.options).toMatchObject({ silent: true });
  });

  it('ten messages of one chat leave one notification, the newest; another chat has its own', async () => {
    const { scope, open } = fakeScope();
    const push = load(scope);
    for (let seq = 1; seq <= 10; seq++) await push.onPush(scope, message({ seq, body: `message ${seq}`, count: seq }));
    await push.onPush(scope, message({ conversationId: B, seq: 2, title: 'Carol', body: 'Yo' }));
    expect(open().map((n) => [n.tag, n.body])).toEqual([
      [A, 'message 10'],
      [B, 'Yo'],
    ]);
  });

  it('an older push arriving late does not replace a newer notification', async () => {
    const { scope, open } = fakeScope();
    const push = load(scope);
    await push.onPush(scope, message({ seq: 9, body: 'newer' }));
    expect(await push.onPush(scope, message({ seq: 8, body: 'older' }))).toBe('skipped');
    expect(open().map((n) => n.body)).toEqual(['newer']);
  });

  it('nothing shows while a focused window shows that chat; the badge still moves', async () => {
    const win = new FakeWindow(`${ORIGIN}/c/${A}`, true, A);
    const { scope, open, badge } = fakeScope([win]);
    const push = load(scope);
    expect(await push.onPush(scope, message({ badge: 4 }))).toBe('skipped');
    expect(open()).toEqual([]);
    expect(badge.value).toBe(4);
    expect(win.received).toEqual([{ type: 'ottr:which-chat' }]);
  });

  it('shows when the focused window shows another chat, when the window with the chat is not focused or hidden, or does not answer', async () => {
    const cases = [
      new FakeWindow(`${ORIGIN}/c/${B}`, true, B),
      new FakeWindow(`${ORIGIN}/c/${A}`, false, A),
      new FakeWindow(`${ORIGIN}/c/${A}`, true, A, 'hidden'),
      new FakeWindow(`${ORIGIN}/c/${A}`, true, A, 'visible', false),
    ];
    for (const win of cases) {
      const { scope, open } = fakeScope([win]);
      const push = load(scope);
      expect(await push.onPush(scope, message(), { answerMs: 20 }), `window ${JSON.stringify(win)}`).toBe('shown');
      expect(open()).toHaveLength(1);
    }
  });

  it('clear closes that chat’s notification only, and clears the badge at 0', async () => {
    const { scope, open, badge } = fakeScope();
    const push = load(scope);
    await push.onPush(scope, message());
    await push.onPush(scope, message({ conversationId: B, badge: 4 }));
    expect(await push.onPush(scope, JSON.stringify({ type: 'clear', conversationId: A, badge: 1 }))).toBe('cleared');
    expect(open().map((n) => n.tag)).toEqual([B]);
    expect(badge.value).toBe(1);
    await push.onPush(scope, JSON.stringify({ type: 'clear', conversationId: B, badge: 0 }));
    expect(open()).toEqual([]);
    expect(badge.value).toBe(0);
  });

  it('ignores what is not an ottr payload', async () => {
    const { scope, open } = fakeScope();
    const push = load(scope);
    const bad = ['not json', 'null', '{}', message({ type: 'other' }), message({ conversationId: 'cnv_short' }), message({ badge: -1 }), message({ seq: 'x' }), message({ body: 3 })];
    for (const text of bad) expect(await push.onPush(scope, text), text).toBe('ignored');
    expect(open()).toEqual([]);
  });

  it('works without the Badging API', async () => {
    const { scope, open } = fakeScope();
    const push = load(scope);
    const bare = { ...scope, navigator: {} };
    expect(await push.onPush(bare, message())).toBe('shown');
    expect(open()).toHaveLength(1);
  });
});

describe('service worker: notification click', () => {
  const clicked = () => {
    const n = {
      data: { conversationId: A, seq: 5 },
      closed: false,
      close() {
        this.closed = true;
      },
    };
    return n;
  };

  it('focuses the app’s focused window and opens the chat in it', async () => {
    const other = new FakeWindow(`${ORIGIN}/`, false, null);
    const focused = new FakeWindow(`${ORIGIN}/settings`, true, null);
    const foreign = new FakeWindow('https://elsewhere.example/', true, null);
    const { scope, opened } = fakeScope([foreign, other, focused]);
    const push = load(scope);
    const n = clicked();
    await push.onNotificationClick(scope, n);
    expect(n.closed).toBe(true);
    expect(focused.focusedByClick).toBe(true);
    expect(focused.received).toEqual([{ type: 'ottr:open-chat', path: `/c/${A}` }]);
    expect(other.received).toEqual([]);
    expect(foreign.received).toEqual([]);
    expect(opened).toEqual([]);
  });

  it('uses a visible window when none is focused', async () => {
    const hidden = new FakeWindow(`${ORIGIN}/`, false, null, 'hidden');
    const visible = new FakeWindow(`${ORIGIN}/`, false, null, 'visible');
    const { scope } = fakeScope([hidden, visible]);
    await load(scope).onNotificationClick(scope, clicked());
    expect(visible.focusedByClick).toBe(true);
    expect(hidden.received).toEqual([]);
  });

  it('opens a new window on the chat when the app is not open', async () => {
    const { scope, opened } = fakeScope([]);
    await load(scope).onNotificationClick(scope, clicked());
    expect(opened).toEqual([`/c/${A}`]);
  });

  it('a notification without a valid chat opens the app', async () => {
    const { scope, opened } = fakeScope([]);
    await load(scope).onNotificationClick(scope, { data: { conversationId: '../admin' }, close: () => undefined });
    expect(opened).toEqual(['/']);
  });
});

describe('service worker: sw.js wires push and notificationclick to sw-push.js', () => {
  it('a push event shows the notification; a click opens its chat', async () => {
    const { scope, open, opened, listeners } = fakeScope();
    runSw(scope, {}, scope.importScripts);
    const waits: Promise<unknown>[] = [];
    listeners.get('push')!({ data: { text: () => message() }, waitUntil: (p: Promise<unknown>) => waits.push(p) });
    await Promise.all(waits);
    expect(open().map((n) => n.body)).toEqual(['Hi Alice']);
    listeners.get('notificationclick')!({ notification: open()[0], waitUntil: (p: Promise<unknown>) => waits.push(p) });
    await Promise.all(waits);
    expect(opened).toEqual([`/c/${A}`]);
  });
});

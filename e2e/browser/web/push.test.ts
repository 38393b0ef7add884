// Push notifications in the web app, against a real server process that sends Web Push to a local
// Web Push service (startFakeWebPushService: it decrypts every push and checks its VAPID
// signature). Headless Chromium cannot reach a real push service, so the page's
// PushManager.subscribe gives a subscription of the local service, and the push it received is
// handed to the person's service worker over CDP (ServiceWorker.deliverPushMessage), as a push
// service would. Checked: the offer after the first message, a push for a closed app shown as
// the chat's one notification and closed by a clear, "Not now", and the settings (privacy,
// do-not-disturb hours) saved and obeyed by the server.
import type { Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeWebPushService, type FakeWebPushService } from '@ottr/server/testing';
import { chatsHeading, conversationLink, gone, openChat, send, shown, signUp, startChat, until } from './app.js';
import { WAIT_MS, describeWeb, screenshot, type Person } from './harness.js';

// The server process (started by describeWeb with this process's environment) sends Web Push to
// the local service over plain http, and pushes 300 ms after a message nobody's device received.
process.env.OTTR_PUSH_ALLOW_INSECURE = '1';
process.env.OTTR_PUSH_GRACE_MS = '300';

type WebPushTarget = ReturnType<FakeWebPushService['subscribe']>;

/**
 * Replaces the page's PushManager with one that hands out `subscription` (a subscription of the
 * local Web Push service) and remembers it in localStorage, as a browser keeps its subscription.
 */
function fakePushManager(subscription: WebPushTarget): string {
  return `(() => {
  const json = ${JSON.stringify(subscription)};
  const KEY = '__fakePushSubscription';
  const make = (key) => ({
    endpoint: json.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: new Uint8Array(key).buffer },
    toJSON: () => json,
    unsubscribe: async () => { localStorage.removeItem(KEY); return true; },
  });
  PushManager.prototype.subscribe = async function (options) {
    const key = Array.from(new Uint8Array(options.applicationServerKey.buffer ?? options.applicationServerKey));
    localStorage.setItem(KEY, JSON.stringify(key));
    return make(key);
  };
  PushManager.prototype.getSubscription = async function () {
    const key = localStorage.getItem(KEY);
    return key ? make(JSON.parse(key)) : null;
  };
})();`;
}

interface ShownNotification {
  title: string;
  body: string;
  tag: string;
}

/** The notifications the person's service worker shows now. */
function notifications(page: Page): Promise<ShownNotification[]> {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return (await reg.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag }));
  });
}

/** Hands `payload` to the service worker of the person's app, as its push service would. */
async function deliverPush(page: Page, origin: string, payload: unknown): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const registrations = new Map<string, string>();
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
      for (const r of e.registrations) if (!r.isDeleted && r.scopeURL === `${origin}/`) registrations.set(r.scopeURL, r.registrationId);
    });
    await cdp.send('ServiceWorker.enable');
    await until('the app’s service worker registration', () => registrations.size, 1);
    await cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId: registrations.get(`${origin}/`)!, data: JSON.stringify(payload) });
  } finally {
    await cdp.detach();
  }
}

/** What the tests call in the app's service worker (public/sw-push.js on its global scope). */
interface WorkerScope {
  registration: ServiceWorkerRegistration;
  ottrPush: {
    onPush(scope: unknown, text: string): Promise<string>;
    onNotificationClick(scope: unknown, notification: Notification): Promise<void>;
  };
}

/** The app's running service worker in the person's context (Playwright evaluates in it over CDP). */
async function appWorker(page: Page): Promise<Worker> {
  const context = page.context();
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  return worker;
}

/** The conversation id of the chat open on `page` (/c/<id>). */
function openChatId(page: Page): string {
  const id = /\/c\/(cnv_[0-9A-Za-z]+)/.exec(new URL(page.url()).pathname)?.[1];
  if (!id) throw new Error(`no chat open at ${page.url()}`);
  return id;
}

describeWeb('web app: notifications', (web) => {
  let service: FakeWebPushService;
  beforeAll(async () => {
    service = await startFakeWebPushService();
  });
  afterAll(async () => {
    await service?.close();
  });

  let alice: Person;
  let bob: Person;
  let conversationId: string;
  const offer = (page: Page) => page.getByRole('region', { name: 'Notifications offer' });
  /** Alice (with the local Web Push service's subscription) and Bob, signed up, in a direct chat Alice started. */
  let ready: Promise<void> | undefined;
  const setUp = (): Promise<void> =>
    (ready ??= (async () => {
      [alice, bob] = await Promise.all([web.person('Alice'), web.person('Bob')]);
      await alice.context.addInitScript({ content: fakePushManager(service.subscribe()) });
      await Promise.all([signUp(alice, web.server), signUp(bob, web.server)]);
      await startChat(alice, bob);
      conversationId = openChatId(alice.page);
    })());

  /** Alice's app, opened anew (her first page was closed so that no device of hers is connected). */
  const reopen = async (path = '/'): Promise<Page> => {
    const page = await alice.context.newPage();
    await page.goto(`${web.server.url}${path}`);
    return page;
  };

  it('offers notifications after the first message, not before; Turn on registers this browser', { timeout: 60_000 }, async () => {
    await setUp();
    const { page } = alice;
    await shown(chatsHeading(page));
    expect(await offer(page).count(), 'the offer before any message was sent').toBe(0);
    await send(alice, 'Hi Bob');
    await shown(offer(page));
    await shown(offer(page).getByText('Get notified of new messages?'));
    await screenshot(page, 'notifications-offer');

    await alice.context.grantPermissions(['notifications'], { origin: web.server.url });
    await offer(page).getByRole('button', { name: 'Turn on' }).click();
    await gone(offer(page));
    await shown(page.getByText('Notifications are on'));
  });

  it('a message to a closed app is pushed, shown as the chat’s one notification, and a clear closes it', { timeout: 60_000 }, async () => {
    await setUp();
    await shown(conversationLink(bob.page, alice.name));
    await alice.page.close();
    service.clear();

    await openChat(bob, alice.name);
    await send(bob, 'Are you there, Alice?');
    const [push] = await service.waitFor(1, WAIT_MS);
    const payload = push!.payload as { type: string; conversationId: string; seq: number; title: string; body: string; badge: number };
    expect(payload, 'the push the server sent').toMatchObject({ type: 'message', conversationId, title: 'Bob', body: 'Are you there, Alice?' });
    expect(payload.badge, 'the badge: Alice’s unread messages').toBe(1);

    const page = await reopen();
    await deliverPush(page, web.server.url, payload);
    await until('the notification of the chat', () => notifications(page), [{ title: 'Bob', body: 'Are you there, Alice?', tag: conversationId }]);

    await deliverPush(page, web.server.url, { type: 'clear', conversationId, badge: 0 });
    await until('no notification after the clear', () => notifications(page), []);

    // A click on the notification (the worker's notificationclick handler, called in the worker):
    // the open window goes to the chat, and the notification is gone.
    await deliverPush(page, web.server.url, payload);
    await until('the notification again', async () => (await notifications(page)).length, 1);
    const worker = await appWorker(page);
    await worker.evaluate(async (tag) => {
      const scope = self as unknown as WorkerScope;
      const [n] = await scope.registration.getNotifications({ tag });
      await scope.ottrPush.onNotificationClick(scope, n!);
    }, conversationId);
    await shown(page.getByRole('heading', { level: 2, name: 'Bob', exact: true }));
    expect(new URL(page.url()).pathname, 'the chat the click opened').toBe(`/c/${conversationId}`);
    await until('no notification after the click', () => notifications(page), []);

    // With the chat on screen in a focused window, a push for it shows nothing (the window says
    // which chat it shows); for another chat it shows.
    await page.bringToFront();
    const pushed = (p: unknown): Promise<string> => worker.evaluate((text) => (self as unknown as WorkerScope).ottrPush.onPush(self, text), JSON.stringify(p));
    expect(await pushed({ ...payload, seq: payload.seq + 1 }), 'a push for the chat on screen').toBe('skipped');
    const elsewhere = 'cnv_01JD0000000000000000000009';
    expect(await pushed({ ...payload, conversationId: elsewhere }), 'a push for another chat').toBe('shown');
    expect(await notifications(page), 'the notifications').toEqual([{ title: 'Bob', body: 'Are you there, Alice?', tag: elsewhere }]);
    await pushed({ type: 'clear', conversationId: elsewhere, badge: 0 });
    await page.close();
  });

  it('Settings (reached from the chat info): the privacy level and do-not-disturb hours are saved, and the next push says only who wrote', { timeout: 60_000 }, async () => {
    await setUp();
    // From the chat's info: its notification row leads to Settings.
    const page = await reopen(`/c/${conversationId}/info`);
    await page.getByRole('button', { name: /^Notification settings/ }).click();
    await shown(page.getByRole('heading', { name: 'Notifications', exact: true }));
    expect(new URL(page.url()).pathname).toBe('/settings');
    const browserSwitch = page.getByRole('switch', { name: 'Notifications in this browser' });
    await until('this browser’s notifications shown as on', () => browserSwitch.isChecked(), true);

    await page.getByRole('radio', { name: /^Sender only/ }).check();
    const dnd = page.getByRole('switch', { name: 'Do not disturb' });
    await dnd.check();
    await page.getByLabel('From', { exact: true }).fill('01:30');
    await page.getByLabel('To', { exact: true }).fill('02:45');
    const timeZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    await shown(page.getByText(`Notifications arrive silently from 01:30 to 02:45 (${timeZone} time)`));
    await screenshot(page, 'settings-notifications');

    await page.reload();
    await until('Sender only after a reload', () => page.getByRole('radio', { name: /^Sender only/ }).isChecked(), true);
    expect(await page.getByRole('switch', { name: 'Do not disturb' }).isChecked(), 'do not disturb after a reload').toBe(true);
    expect(await page.getByLabel('From', { exact: true }).inputValue()).toBe('01:30');
    expect(await page.getByLabel('To', { exact: true }).inputValue()).toBe('02:45');

    // Do-not-disturb off again (the hours could be now), then a push with the new privacy.
    await page.getByRole('switch', { name: 'Do not disturb' }).uncheck();
    await shown(page.getByText('Off: notifications at any hour'));
    await page.reload();
    await until('do not disturb off after a reload', () => page.getByRole('switch', { name: 'Do not disturb' }).isChecked(), false);
    await page.close();
    service.clear();

    await send(bob, 'The secret is 42');
    const [push] = await service.waitFor(1, WAIT_MS);
    const payload = push!.payload as { title: string; body: string };
    // Alice has not read the earlier message: "Bob (2 messages)".
    expect(payload.title, 'who wrote').toMatch(/^Bob\b/);
    expect(`${payload.title} ${payload.body}`, 'what they wrote is not in the push').not.toMatch(/secret|42/);
  });

  it('Sign out unregisters this browser from pushes before the session ends', { timeout: 60_000 }, async () => {
    await setUp();
    const page = await reopen('/settings');
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/v1/')) requests.push(`${r.method()} ${new URL(r.url()).pathname}`);
    });
    const unregistered = page.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().endsWith('/v1/me/push/webpush'));
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    expect((await unregistered).status(), 'DELETE /v1/me/push/webpush').toBe(204);
    await shown(page.getByRole('textbox', { name: 'Phone number or email' }));
    const order = requests.filter((r) => r === 'DELETE /v1/me/push/webpush' || r === 'POST /v1/auth/logout');
    expect(order, 'unregistered, then signed out').toEqual(['DELETE /v1/me/push/webpush', 'POST /v1/auth/logout']);
    expect(await page.evaluate(() => localStorage.getItem('__fakePushSubscription')), 'the browser’s subscription').toBeNull();
    await page.close();
  });

  it('"Not now" hides the offer, also after a reload and another message', { timeout: 60_000 }, async () => {
    const carol = await web.person('Carol');
    await setUp();
    await signUp(carol, web.server);
    await startChat(carol, bob);
    await send(carol, 'Hello Bob');
    await shown(offer(carol.page));
    await offer(carol.page).getByRole('button', { name: 'Not now' }).click();
    await gone(offer(carol.page));
    await carol.page.reload();
    await send(carol, 'Still there?');
    await shown(carol.page.getByRole('log', { name: 'Messages' }).getByText('Still there?'));
    expect(await offer(carol.page).count(), 'the offer after Not now').toBe(0);
  });
});

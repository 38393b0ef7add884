import type { OttrClient, WebPushTarget } from '@ottr/sdk/browser';

/** localStorage: this browser's notifications were turned off in Settings (not re-subscribed on start). */
const OFF_KEY = 'ottr.push.off';
/** How long the service worker may take to be ready before turning notifications on gives up. */
const READY_MS = 10_000;

/** What this browser says about notifications from the app; 'unsupported' without Web Push. */
export type PushPermission = NotificationPermission | 'unsupported';

export function pushPermission(): PushPermission {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return 'unsupported';
  return Notification.permission;
}

const keys = new WeakMap<OttrClient, Promise<string | null>>();

/** The VAPID key the server pushes with (null: it sends no Web Push); asked once per client. */
export function webPushKey(client: OttrClient): Promise<string | null> {
  let key = keys.get(client);
  if (!key) {
    key = client.push.config().then((c) => c.webpush?.publicKey ?? null);
    // A failure (offline) is not remembered: the next call asks again.
    key.catch(() => keys.delete(client));
    keys.set(client, key);
  }
  return key;
}

/** A base64url string as bytes (applicationServerKey). */
export function base64UrlBytes(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const raw = atob(b64);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function sameBytes(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.length) return false;
  const view = new Uint8Array(a);
  return view.every((x, i) => x === b[i]);
}

/** A subscription's toJSON() as the server takes it (an error when the browser left a part out). */
export function webPushTarget(json: PushSubscriptionJSON): WebPushTarget {
  const { endpoint, keys: k } = json;
  if (!endpoint || !k?.p256dh || !k.auth) throw new Error('The browser gave an incomplete push subscription.');
  return { endpoint, expirationTime: json.expirationTime ?? null, keys: { p256dh: k.p256dh, auth: k.auth } };
}

async function registration(): Promise<ServiceWorkerRegistration> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('The app’s service worker is not running: reload the page and try again.')), READY_MS);
  });
  try {
    return await Promise.race([navigator.serviceWorker.ready, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Subscribes this browser with the server's key (keeping a subscription made with it) and
 * registers the subscription with the server. Needs the permission granted.
 */
export async function subscribeAndRegister(client: OttrClient): Promise<void> {
  const key = await webPushKey(client);
  if (!key) throw new Error('This server doesn’t send push notifications.');
  const keyBytes = base64UrlBytes(key);
  const { pushManager } = await registration();
  let sub = await pushManager.getSubscription();
  if (sub && !sameBytes(sub.options.applicationServerKey, keyBytes)) {
    // Made with another key (the server's keys changed): useless now.
    await sub.unsubscribe().catch(() => false);
    sub = null;
  }
  sub ??= await pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes });
  await client.push.registerWebPush(webPushTarget(sub.toJSON()));
}

/**
 * Turns this browser's notifications on: the browser's permission prompt (when not yet
 * answered), then subscribe and register. Resolves with the permission the person gave.
 */
export async function turnOnPush(client: OttrClient): Promise<NotificationPermission> {
  const permission = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
  if (permission !== 'granted') return permission;
  await subscribeAndRegister(client);
  localStorage.removeItem(OFF_KEY);
  return permission;
}

/**
 * Stops pushes to this browser: the server forgets this device's subscription and the browser
 * drops it. `remember`: turned off on purpose (Settings), so later starts do not turn it back on.
 */
export async function turnOffPush(client: OttrClient, { remember }: { remember: boolean }): Promise<void> {
  if (remember) localStorage.setItem(OFF_KEY, '1');
  try {
    await client.push.unregister('webpush');
  } finally {
    // Also when the server could not be told: a dropped subscription cannot be pushed to.
    const reg = 'serviceWorker' in navigator ? await navigator.serviceWorker.getRegistration() : undefined;
    const sub = await reg?.pushManager.getSubscription();
    await sub?.unsubscribe().catch(() => false);
  }
}

/** Whether this browser gets notifications now: permission, a subscription, not turned off. */
export async function pushIsOn(): Promise<boolean> {
  if (pushPermission() !== 'granted' || localStorage.getItem(OFF_KEY) === '1') return false;
  const reg = await navigator.serviceWorker.getRegistration();
  return (await reg?.pushManager.getSubscription()) != null;
}

/**
 * On each start of a signed-in app: with the permission granted (and not turned off here),
 * registers the current subscription again — browsers renew subscriptions, and the PUT is cheap.
 */
export async function refreshPush(client: OttrClient): Promise<void> {
  if (pushPermission() !== 'granted' || localStorage.getItem(OFF_KEY) === '1') return;
  await subscribeAndRegister(client);
}

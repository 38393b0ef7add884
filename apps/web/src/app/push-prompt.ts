import type { ConversationId } from '@ottr/sdk/browser';
import type { PushPermission } from './push.js';

/**
 * When the app offers notifications ("Get notified of new messages?"): never on the first load,
 * only once the person uses the app in this browser — they sent a message here, or opened a chat
 * they had opened before — and only while the browser has not been asked yet, the server sends
 * Web Push, and "Not now" was not said in the last 7 days. Kept in localStorage (per browser).
 */
export const PROMPT_KEYS = {
  /** '1' once a message was sent or a chat opened a second time in this browser. */
  engaged: 'ottr.notify.engaged',
  /** The chats opened in this browser (the latest MAX_OPENED ids, JSON). */
  opened: 'ottr.notify.opened',
  /** When "Not now" was chosen (ms epoch). */
  dismissedAt: 'ottr.notify.dismissedAt',
} as const;

/** "Not now" holds the offer back this long. */
export const SNOOZE_MS = 7 * 86_400_000;
const MAX_OPENED = 50;

type Store = Pick<Storage, 'getItem' | 'setItem'>;

function read(storage: Store, key: string): string | null {
  try {
    return storage.getItem(key);
  } catch {
    return null;
  }
}

function write(storage: Store, key: string, value: string): void {
  try {
    storage.setItem(key, value);
  } catch {
    // Storage full or disabled: the offer may come again, nothing worse.
  }
}

export interface OfferState {
  permission: PushPermission;
  /** The server sends Web Push (its config has a VAPID key). */
  webPush: boolean;
  engaged: boolean;
  /** When "Not now" was chosen, or null. */
  dismissedAt: number | null;
  now: number;
}

/** Whether to show the offer now. */
export function shouldOffer(s: OfferState): boolean {
  if (s.permission !== 'default' || !s.webPush || !s.engaged) return false;
  return s.dismissedAt === null || s.now - s.dismissedAt >= SNOOZE_MS || s.dismissedAt > s.now;
}

/** The person used the app enough in this browser to be asked. */
export function isEngaged(storage: Store): boolean {
  return read(storage, PROMPT_KEYS.engaged) === '1';
}

/** A message was sent from this browser. */
export function noteSent(storage: Store): void {
  write(storage, PROMPT_KEYS.engaged, '1');
}

/** A chat was opened; returns whether that made the person engaged (it was opened before). */
export function noteChatOpened(storage: Store, id: ConversationId): boolean {
  let opened: string[] = [];
  try {
    const parsed: unknown = JSON.parse(read(storage, PROMPT_KEYS.opened) ?? '[]');
    if (Array.isArray(parsed)) opened = parsed.filter((x): x is string => typeof x === 'string');
  } catch {
    // A damaged list starts again.
  }
  if (opened.includes(id)) {
    write(storage, PROMPT_KEYS.engaged, '1');
    return true;
  }
  write(storage, PROMPT_KEYS.opened, JSON.stringify([...opened, id].slice(-MAX_OPENED)));
  return false;
}

/** "Not now": no offer for SNOOZE_MS. */
export function dismissOffer(storage: Store, now: number): void {
  write(storage, PROMPT_KEYS.dismissedAt, String(now));
}

export function dismissedAt(storage: Store): number | null {
  const value = Number(read(storage, PROMPT_KEYS.dismissedAt) ?? NaN);
  return Number.isFinite(value) ? value : null;
}

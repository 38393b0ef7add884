/*
 * ottr's push notifications, in the service worker (sw.js loads this file with importScripts and
 * calls it from its `push` and `notificationclick` listeners; sw-push.test.ts runs it with a fake
 * worker scope). Every function takes the worker's global scope (`self`) as its first argument.
 *
 * A push carries a PushPayload as JSON (packages/protocol/src/push.ts):
 *   {type: 'message', conversationId, seq, title, body, count, badge, senderId?, mention?}
 *     → one notification per conversation (tag = conversation id), replaced by newer ones;
 *       none while a focused window of the app shows that conversation.
 *   {type: 'clear', conversationId, badge} → the conversation was read elsewhere: close its
 *     notification.
 * Both set the app badge (the account's unread count) where the browser has one.
 *
 * The page side (src/app/sw-messages.ts) answers WHICH_CHAT with the conversation it shows, and
 * opens the chat on OPEN_CHAT.
 */
/* global self */
self.ottrPush = (() => {
  const ICON = '/icon-192.png';
  /** Page ⇄ worker messages (the same strings as src/app/sw-messages.ts). */
  const WHICH_CHAT = 'ottr:which-chat';
  const OPEN_CHAT = 'ottr:open-chat';
  /** How long a window may take to say which chat it shows before it counts as showing none. */
  const ANSWER_MS = 500;
  const CONVERSATION_ID = /^cnv_[0-9A-Za-z]{26}$/;

  /** The app's path of a chat (src/app/router.ts). */
  function chatPath(conversationId) {
    return '/c/' + conversationId;
  }

  /** The payload of a push (its data as text), or null when it is not one of ours. */
  function parsePayload(text) {
    let p;
    try {
      p = JSON.parse(text);
    } catch {
      return null;
    }
    if (!p || typeof p !== 'object' || typeof p.conversationId !== 'string' || !CONVERSATION_ID.test(p.conversationId)) return null;
    if (!Number.isInteger(p.badge) || p.badge < 0) return null;
    if (p.type === 'clear') return p;
    if (p.type !== 'message' || typeof p.title !== 'string' || typeof p.body !== 'string' || !Number.isInteger(p.seq)) return null;
    return p;
  }

  /** What showNotification gets for a `message` payload. */
  function notificationFor(p) {
    return {
      title: p.title || 'ottr',
      options: {
        body: p.body,
        tag: p.conversationId,
        renotify: true,
        icon: ICON,
        timestamp: Date.now(),
        data: { conversationId: p.conversationId, seq: p.seq },
        // Do-not-disturb hours: shown without sound or vibration.
        silent: p.quiet === true,
      },
    };
  }

  /** Asks a window which conversation it shows (null: none, or no answer in time). */
  function askWhichChat(client, timeoutMs) {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      const done = (value) => {
        clearTimeout(timer);
        channel.port1.close();
        resolve(value);
      };
      const timer = setTimeout(() => done(null), timeoutMs);
      channel.port1.onmessage = (e) => done(e.data && typeof e.data.conversationId === 'string' ? e.data.conversationId : null);
      try {
        client.postMessage({ type: WHICH_CHAT }, [channel.port2]);
      } catch {
        done(null);
      }
    });
  }

  /** Whether a focused, visible window of the app shows `conversationId` now. */
  async function windowShows(scope, conversationId, timeoutMs = ANSWER_MS) {
    const windows = await scope.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const focused = windows.filter((w) => w.focused && w.visibilityState === 'visible');
    const answers = await Promise.all(focused.map((w) => askWhichChat(w, timeoutMs)));
    return answers.includes(conversationId);
  }

  async function setBadge(scope, badge) {
    const nav = scope.navigator;
    try {
      if (badge > 0 && nav && typeof nav.setAppBadge === 'function') await nav.setAppBadge(badge);
      else if (badge === 0 && nav && typeof nav.clearAppBadge === 'function') await nav.clearAppBadge();
    } catch {
      // No badge here (not installed, not supported): the notification is what matters.
    }
  }

  /**
   * Handles one push (its data as text). Resolves with what it did: 'shown', 'skipped' (the chat
   * is on screen, or a newer notification is already up), 'cleared' or 'ignored' (not ours).
   */
  async function onPush(scope, text, options = {}) {
    const p = parsePayload(text);
    if (!p) return 'ignored';
    const registration = scope.registration;
    const current = await registration.getNotifications({ tag: p.conversationId });
    if (p.type === 'clear') {
      for (const n of current) n.close();
      await setBadge(scope, p.badge);
      return 'cleared';
    }
    await setBadge(scope, p.badge);
    // Pushes may overtake each other: never replace a notification with an older one.
    if (current.some((n) => n.data && Number.isInteger(n.data.seq) && n.data.seq > p.seq)) return 'skipped';
    if (await windowShows(scope, p.conversationId, options.answerMs)) {
      for (const n of current) n.close();
      return 'skipped';
    }
    const { title, options: shown } = notificationFor(p);
    await registration.showNotification(title, shown);
    return 'shown';
  }

  /**
   * A click on a notification: the chat it is about in a window of the app — the focused one,
   * else any visible one, else any; a new window when there is none.
   */
  async function onNotificationClick(scope, notification) {
    notification.close();
    const id = notification.data && notification.data.conversationId;
    const path = typeof id === 'string' && CONVERSATION_ID.test(id) ? chatPath(id) : '/';
    const origin = scope.location.origin;
    const windows = (await scope.clients.matchAll({ type: 'window', includeUncontrolled: true })).filter((w) => new URL(w.url).origin === origin);
    const target = windows.find((w) => w.focused) || windows.find((w) => w.visibilityState === 'visible') || windows[0];
    if (!target) {
      await scope.clients.openWindow(path);
      return;
    }
    const focused = await target.focus().catch(() => target);
    (focused || target).postMessage({ type: OPEN_CHAT, path });
  }

  return { parsePayload, notificationFor, windowShows, onPush, onNotificationClick, chatPath, WHICH_CHAT, OPEN_CHAT };
})();

import { navigate, parseRoute } from './router.js';

/** Worker → page messages (the same strings as public/sw-push.js). */
const WHICH_CHAT = 'ottr:which-chat';
const OPEN_CHAT = 'ottr:open-chat';

/**
 * Answers the service worker: which chat this window shows (so that a push for it shows no
 * notification while it is on screen), and opens the chat of a clicked notification in this
 * window (an in-app navigation, no reload).
 */
export function listenToServiceWorker(container: ServiceWorkerContainer): void {
  container.addEventListener('message', (e: MessageEvent<unknown>) => {
    const data = e.data as { type?: unknown; path?: unknown } | null;
    if (!data || typeof data !== 'object') return;
    if (data.type === WHICH_CHAT) {
      const route = parseRoute(location.pathname);
      const shown = route.name === 'chat' && document.visibilityState === 'visible' ? route.id : null;
      e.ports[0]?.postMessage({ conversationId: shown });
    } else if (data.type === OPEN_CHAT && typeof data.path === 'string') {
      navigate(parseRoute(data.path));
    }
  });
}

/** Closes the notification of a chat (when it is opened here, it has been seen). */
export function closeChatNotification(id: string): void {
  if (!('serviceWorker' in navigator)) return;
  void navigator.serviceWorker
    .getRegistration()
    .then((reg) => reg?.getNotifications({ tag: id }))
    .then((shown) => shown?.forEach((n) => n.close()))
    .catch(() => undefined);
}

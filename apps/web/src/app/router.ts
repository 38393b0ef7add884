import { useSyncExternalStore } from 'react';
import type { ConversationId } from '@ottr/sdk/browser';

/** The app's screens, as paths: `/`, `/c/<conversation id>`, `/c/<id>/info`, `/settings`. */
export type Route =
  | { name: 'home' }
  | { name: 'chat'; id: ConversationId }
  | { name: 'info'; id: ConversationId }
  | { name: 'settings' };

export function parseRoute(pathname: string): Route {
  const chat = /^\/c\/(cnv_[0-9A-Za-z]{26})(\/info)?\/?$/.exec(pathname);
  if (chat) return chat[2] ? { name: 'info', id: chat[1] as ConversationId } : { name: 'chat', id: chat[1] as ConversationId };
  if (pathname === '/settings' || pathname === '/settings/') return { name: 'settings' };
  return { name: 'home' };
}

export function routePath(route: Route): string {
  switch (route.name) {
    case 'home':
      return '/';
    case 'chat':
      return `/c/${route.id}`;
    case 'info':
      return `/c/${route.id}/info`;
    case 'settings':
      return '/settings';
  }
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

/** Goes to a screen (a history entry, so Back works; `replace` for redirects). */
export function navigate(route: Route, opts: { replace?: boolean } = {}): void {
  const path = routePath(route);
  if (path === location.pathname) return;
  if (opts.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  listeners.forEach((l) => l());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current route; re-renders on navigation and Back/Forward. */
export function useRoute(): Route {
  const path = useSyncExternalStore(subscribe, () => location.pathname);
  return parseRoute(path);
}

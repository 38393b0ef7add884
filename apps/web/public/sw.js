/*
 * ottr's service worker: keeps the app shell so that the app starts without a network, and shows
 * push notifications (sw-push.js).
 * Navigations: network first, the cached shell when offline. /assets/* (content-hashed by the
 * build): cache first. Never touches the API (/v1/…) or anything cross-origin.
 */
importScripts('/sw-push.js');

const SHELL = 'ottr-shell-v1';
const ASSETS = 'ottr-assets-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(['/', '/manifest.webmanifest', '/icon.svg']))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== SHELL && k !== ASSETS).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/v1/')) return;

  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            void caches.open(SHELL).then((cache) => cache.put('/', copy));
          }
          return response;
        })
        .catch(() => caches.match('/').then((cached) => cached ?? Response.error())),
    );
    return;
  }

  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(
      caches.match(request).then(
        (cached) =>
          cached ??
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              void caches.open(ASSETS).then((cache) => cache.put(request, copy));
            }
            return response;
          }),
      ),
    );
  }
});

// Push notifications: what to show or close, and where a click goes, are decided in sw-push.js.
self.addEventListener('push', (event) => {
  if (!event.data) return;
  event.waitUntil(self.ottrPush.onPush(self, event.data.text()));
});

self.addEventListener('notificationclick', (event) => {
  event.waitUntil(self.ottrPush.onNotificationClick(self, event.notification));
});

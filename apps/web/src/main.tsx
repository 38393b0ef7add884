import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The design's CSS first: the bundle keeps import order, and the screens' own CSS (imported by
// App's modules) must come after it to override base classes such as .input and .btn.
import './design/tokens.css';
import './design/base.css';
import './design/app.css';
import { App } from './app/App.js';
import { listenToServiceWorker } from './app/sw-messages.js';
import { applyTheme } from './app/theme.js';

applyTheme();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// The service worker keeps the app shell for offline starts and shows push notifications (see
// public/sw.js and sw-push.js).
if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  listenToServiceWorker(navigator.serviceWorker);
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
  });
}

import { defineConfig } from 'vite';

/**
 * The web app's build. No inline scripts or styles anywhere in the output: the server sends a
 * CSP without 'unsafe-inline' (see packages/server/src/transport/http/web.ts).
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic' } },
  // `npm run dev -w apps/web`: hot-reloading app on :5173, API and WebSocket from `npm start` on :8080.
  server: { host: '127.0.0.1', proxy: { '/v1': { target: 'http://127.0.0.1:8080', ws: true } } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The polyfill is an inline-free module either way; modern browsers need none.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
  },
});

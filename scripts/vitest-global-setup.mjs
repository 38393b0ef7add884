// vitest globalSetup (vitest.config.ts): tests, the browser ones above all, run against a web
// app built from the current sources. A no-op when apps/web/dist is up to date.
import { ensureWebBuilt } from './build-web.mjs';

export default async function setup() {
  await ensureWebBuilt();
}

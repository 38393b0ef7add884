import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without types
import { ensureWebBuilt, webSourceHash } from '../../scripts/build-web.mjs';

const DIST = fileURLToPath(new URL('../../apps/web/dist/', import.meta.url));

/**
 * The web app that `npm install`, `npm start` and the tests build (scripts/build-web.mjs). The
 * vitest globalSetup built it in this process's environment (NODE_ENV=test), which is where a
 * development build of React would slip in.
 */
describe('scripts/build-web.mjs', () => {
  it('builds the production app even when NODE_ENV says test, and stamps it with its sources', async () => {
    expect(process.env.NODE_ENV).toBe('test');
    expect(await (ensureWebBuilt as (o: { log: () => void }) => Promise<string>)({ log: () => undefined })).toBe('fresh');
    expect(readFileSync(path.join(DIST, '.build-stamp'), 'utf8').trim()).toBe((webSourceHash as () => string)());
    const scripts = readdirSync(path.join(DIST, 'assets')).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const file of scripts) {
      const code = readFileSync(path.join(DIST, 'assets', file), 'utf8');
      // Only React's development build prints this (and checks every prop type on every render).
      expect(code.includes('Download the React DevTools'), file).toBe(false);
    }
  });
});

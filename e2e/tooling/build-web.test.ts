import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/build-web.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../apps/web/dist/', import.meta.url));

/**
 * The web app that `npm install`, `npm start` and the tests build (scripts/build-web.mjs). The
 * vitest globalSetup built it in this process's environment (NODE_ENV=test), which is where a
 * development build of React would slip in.
 */
describe('scripts/build-web.mjs', () => {
  it('built the production app although NODE_ENV says test, and knows it is up to date', () => {
    expect(process.env.NODE_ENV).toBe('test');
    const run = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8', env: { ...process.env, NODE_ENV: 'test' } });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('web app up to date');
    expect(readFileSync(path.join(DIST, '.build-stamp'), 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    const scripts = readdirSync(path.join(DIST, 'assets')).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const file of scripts) {
      const code = readFileSync(path.join(DIST, 'assets', file), 'utf8');
      // Only React's development build prints this (and checks every prop type on every render).
      expect(code.includes('Download the React DevTools'), file).toBe(false);
    }
  });
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'e2e/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two test files at a time (the default on 2 cores is one): the suite's files wait mostly on
    // servers, browsers and child processes, so CI's test step takes ~12 min instead of ~19.
    maxWorkers: 2,
    // Builds apps/web when its sources changed since the last build (scripts/build-web.mjs).
    globalSetup: ['scripts/vitest-global-setup.mjs'],
  },
});

/**
 * What tests of packages that may not import the server's internals use (apps/cli's tests:
 * scripts/check-boundaries.mjs allows them @ottr/server-app only): the rule for tests that need
 * a service — skipped with the reason on a developer's machine, failing when CI=true.
 */
export { inCI, requireService } from '@ottr/server/testing';

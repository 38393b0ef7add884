// Runs in the page (bundled by sdk.browser.test.ts): the SDK's platform-neutral suite with the
// browser client (@ottr/sdk/browser), each client on a fresh IndexedDB database.
import { createClient } from '@ottr/sdk/browser';
import { sdkSuite, type SuiteEnv } from '../../sdk/suite.js';
import { baseUrl, signIn } from '../support/page-env.js';

let databases = 0;

/**
 * Runs the case named `name` and resolves once it passed (it rejects with the case's error).
 * Resolves with the IndexedDB databases its clients used and whether each exists afterwards.
 */
export async function runCase(name: string): Promise<{ databases: { name: string; exists: boolean }[] }> {
  const found = sdkSuite.find((c) => c.name === name);
  if (!found) throw new Error(`e2e/sdk/suite.ts has no case named ${JSON.stringify(name)}`);
  const used: string[] = [];
  const env: SuiteEnv = {
    baseUrl: baseUrl(),
    signIn: (email) => signIn(email),
    client(session) {
      const databaseName = `ottr-suite-${session.deviceId}-${++databases}`;
      used.push(databaseName);
      return createClient({ baseUrl: baseUrl(), session, databaseName, connection: { backoff: { baseMs: 50, maxMs: 1000 } } });
    },
  };
  await found.run(env);
  const existing = new Set((await indexedDB.databases()).map((d) => d.name));
  return { databases: used.map((n) => ({ name: n, exists: existing.has(n) })) };
}

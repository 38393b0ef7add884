// Runs the shared SDK suite (suite.ts) in Node against a real in-process server, with the
// Node client (@ottr/sdk/node) and a fresh in-memory store per client.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createClient, MemoryStore } from '@ottr/sdk/node';
import { startServer, type TestServer } from '../support/server.js';
import { sdkSuite, type SuiteEnv } from './suite.js';

let server: TestServer;
let env: SuiteEnv;

beforeAll(async () => {
  server = await startServer();
  env = {
    baseUrl: server.url,
    signIn: (email) => server.signIn(email),
    client: (session) =>
      createClient({
        baseUrl: server.url,
        store: new MemoryStore(),
        session,
        connection: { backoff: { baseMs: 50, maxMs: 1000 } },
      }),
  };
});
afterAll(() => server.close());

describe('shared SDK suite (Node)', () => {
  for (const c of sdkSuite) it(c.name, () => c.run(env), 60_000);
});

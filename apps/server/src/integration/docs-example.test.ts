import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../test-support/harness.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
let t: TestNode;
beforeAll(async () => {
  t = await startTestNode();
});
afterAll(() => t.close());

it('the README quick-start example (docs/examples/hello.mjs) runs against a server', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['docs/examples/hello.mjs'], {
    cwd: root,
    env: { ...process.env, OTTR_URL: t.url, OTTR_DATA_DIR: t.dataDir },
  });
  expect(stdout).toContain('Ben received: "Hello Ben! https://example.com" (links: https://example.com)');
  expect(stdout).toContain('Ada sees read up to seq 2');
  expect(stdout).toContain('History has 2 events: conversation_created, message');
});

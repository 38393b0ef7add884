// Runs scripts/check-boundaries.mjs against fake workspace trees in a temporary directory:
// a clean tree must pass, and a tree with one violation of each rule must fail with exactly
// those violations (file:line and rule), and nothing from the allowed imports beside them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/check-boundaries.mjs', import.meta.url));

type Files = Record<string, string>;

interface Violation {
  file: string;
  line: number;
  rule: string;
}

function pkg(name: string, deps: string[] = [], exports: unknown = { '.': './src/index.ts' }): string {
  const dependencies = Object.fromEntries(deps.map((d) => [d, '^0.1.0']));
  return JSON.stringify({ name, version: '0.1.0', type: 'module', exports, dependencies }, null, 2);
}

const lines = (...ls: string[]): string => `${ls.join('\n')}\n`;

/** A tree in which every import is allowed. */
const CLEAN: Files = {
  'package.json': JSON.stringify({ name: 'fake', private: true, workspaces: ['packages/*', 'apps/*'] }),
  'packages/protocol/package.json': pkg('@ottr/protocol', ['@sinclair/typebox']),
  'packages/protocol/tsconfig.json': JSON.stringify({
    compilerOptions: { lib: ['ES2023'], types: [] },
    include: ['src'],
  }),
  'packages/protocol/src/index.ts': lines(
    "import { Type } from '@sinclair/typebox';",
    "import { Value } from '@sinclair/typebox/value';",
    "export * from './ids.js';",
    'export { Type, Value };',
  ),
  'packages/protocol/src/ids.ts': 'export const ID = 1;\n',
  'packages/protocol/src/ids.test.ts': lines("import { it } from 'vitest';", "import { ID } from './ids.js';"),
  'packages/server/package.json': pkg('@ottr/server', ['@ottr/protocol'], {
    '.': './src/index.ts',
    './testing': './src/testing/index.ts',
  }),
  'packages/server/src/index.ts': lines(
    "import { ID } from '@ottr/protocol';",
    "import { a } from './modules/accounts/index.js';",
    "import { b } from './modules/accounts';",
    "import { r } from './transport/registry.js';",
    "import { w } from './transport/ws/index.js';",
    "import type { Port } from './ports/storage.js';",
    "const m = await import('./modules/messages/index.js');",
    "import { readFile } from 'node:fs/promises';",
    "import pino from 'pino';",
  ),
  'packages/server/src/ports/storage.ts': 'export interface Port { x: number }\n',
  'packages/server/src/modules/accounts/index.ts': "export * from './accounts.service.js';\n",
  'packages/server/src/modules/accounts/accounts.service.ts': lines(
    "import { m } from '../messages/index.js';",
    "import { repo } from './accounts.repo.js';",
    "import type { Port } from '../../ports/storage.js';",
  ),
  'packages/server/src/modules/accounts/accounts.repo.ts': 'export const repo = 1;\n',
  'packages/server/src/modules/messages/index.ts': "export * from './messages.service.js';\n",
  'packages/server/src/modules/messages/messages.service.ts': 'export const m = 1;\n',
  'packages/server/src/transport/registry.ts': 'export const r = 1;\n',
  'packages/server/src/transport/ws/index.ts': "export * from './ws.gateway.js';\n",
  'packages/server/src/transport/ws/ws.gateway.ts': 'export const w = 1;\n',
  'packages/server/src/testing/index.ts': "import { a } from '../modules/accounts/index.js';\n",
  // Files under node_modules are not scanned.
  'packages/server/node_modules/junk/index.js': "import '../../../../outside.js';\n",
  'packages/store-sqlite/package.json': pkg('@ottr/store-sqlite', ['@ottr/protocol', '@ottr/server']),
  'packages/store-sqlite/src/index.ts': lines(
    "import { createServer } from '@ottr/server';",
    "import { suite } from '@ottr/server/testing';",
    "import Database from 'better-sqlite3';",
  ),
  'packages/bus-nats/package.json': pkg('@ottr/bus-nats', ['@ottr/server']),
  'packages/bus-nats/src/index.ts': "import type { Bus } from '@ottr/server';\n",
  'packages/push-webpush/package.json': pkg('@ottr/push-webpush', ['@ottr/server']),
  'packages/push-webpush/src/index.ts': "import type { PushProvider } from '@ottr/server';\n",
  'packages/sdk/package.json': pkg('@ottr/sdk', ['@ottr/protocol']),
  'packages/sdk/src/index.ts': "import { ID } from '@ottr/protocol';\n",
  'apps/server/package.json': pkg('@ottr/server-app', [
    '@ottr/protocol',
    '@ottr/server',
    '@ottr/store-sqlite',
    '@ottr/bus-nats',
    '@ottr/push-webpush',
  ]),
  'apps/server/src/main.ts': lines(
    "import { createServer } from '@ottr/server';",
    "import { store } from '@ottr/store-sqlite';",
    "import { bus } from '@ottr/bus-nats';",
    "import { push } from '@ottr/push-webpush';",
    "import { ID } from '@ottr/protocol';",
  ),
  'apps/web/package.json': pkg('@ottr/web', ['@ottr/sdk', '@ottr/protocol']),
  'apps/web/src/main.ts': lines("import { connect } from '@ottr/sdk';", "import './style.css';"),
  'apps/cli/package.json': pkg('@ottr/cli', ['@ottr/sdk', '@ottr/protocol', '@ottr/server-app']),
  'apps/cli/src/index.ts': lines(
    "import { connect } from '@ottr/sdk';",
    "import { start } from '@ottr/server-app';",
    "import { ID } from '@ottr/protocol';",
  ),
  'apps/cli/bin/ottr.mjs': "import '../src/index.ts';\n",
  'e2e/cluster.test.ts': lines(
    "import { createServer } from '@ottr/server';",
    "import { suite } from '@ottr/server/testing';",
    "import { connect } from '@ottr/sdk';",
    "import { helper } from './helpers/cluster.js';",
  ),
  'e2e/helpers/cluster.ts': 'export const helper = 1;\n',
};

/** Files added to (or replacing those of) the clean tree, each with the violations it causes. */
const VIOLATING: Files = {
  'packages/protocol/tsconfig.json': JSON.stringify({ compilerOptions: { lib: ['ES2023', 'DOM'], types: [] } }),
  'packages/protocol/src/bad.ts': lines(
    "import { Type } from '@sinclair/typebox';", // ok
    "import { readFileSync } from 'node:fs';", // 2 protocol-purity
    "import { createHash } from 'crypto';", // 3 protocol-purity
    "import { z } from 'zod';", // 4 protocol-purity
    "export type { Server } from '@ottr/server';", // 5 protocol-purity
  ),
  'packages/protocol/src/ambient.ts': '/// <reference types="node" />\nexport {};\n', // 1 protocol-purity
  'packages/server/src/bad.ts': lines(
    "import { a } from './modules/accounts/index.js';", // ok
    "import { s } from './modules/accounts/accounts.service.js';", // 2 module-internals
    "import { g } from './transport/ws/ws.gateway.js';", // 3 module-internals
    "const m = await import('./modules/messages/messages.service.js');", // 4 module-internals
    "import type { Store } from '@ottr/store-sqlite';", // 5 undeclared-dependency, dependency-direction
    "import { cli } from '@ottr/cli';", // 6 undeclared-dependency, dependency-direction
  ),
  'packages/server/src/modules/accounts/accounts.bad.ts': lines(
    "import { m } from '../messages/index.js';", // ok
    "import { m2 } from '../messages/messages.service.js';", // 2 module-internals
    "import { repo } from './accounts.repo.js';", // ok
    "import { connect } from '@ottr/sdk';", // 4 undeclared-dependency, sdk-server-separation
  ),
  'packages/store-sqlite/src/bad.ts': lines(
    "import { createServer } from '@ottr/server';", // ok
    "import type { Port } from '@ottr/server/src/ports/storage.js';", // 2 package-exports
    "import { x } from '../../server/src/index.js';", // 3 relative-cross-package
    "import { bus } from '@ottr/bus-nats';", // 4 undeclared-dependency, dependency-direction
    "import root from '../../../scripts/tool.mjs';", // 5 relative-cross-package
  ),
  'packages/push-webpush/src/bad.ts': lines(
    "import { fitPayload } from '@ottr/server';", // ok
    "import { store } from '@ottr/store-sqlite';", // 2 undeclared-dependency, dependency-direction
  ),
  'packages/sdk/src/bad.ts': lines(
    "import { ID } from '@ottr/protocol';", // ok
    "import { createServer } from '@ottr/server';", // 2 undeclared-dependency, sdk-server-separation
    "import type { Pg } from '@ottr/store-postgres';", // 3 undeclared-dependency, sdk-server-separation
  ),
  'apps/server/src/bad.ts': lines(
    "import { ID } from '@ottr/protocol';", // ok
    "import { connect } from '@ottr/sdk';", // 2 undeclared-dependency, sdk-server-separation
    "import { main } from '@ottr/cli';", // 3 undeclared-dependency, dependency-direction
  ),
  'apps/web/src/bad.ts': "import { start } from '@ottr/server-app';\n", // 1 undeclared, sdk-server-separation
  'apps/cli/package.json': pkg('@ottr/cli', ['@ottr/sdk', '@ottr/protocol', '@ottr/server-app', '@ottr/server']),
  'apps/cli/src/bad.ts': lines(
    "import { start } from '@ottr/server-app';", // ok
    "import { createServer } from '@ottr/server';", // 2 cli-imports
  ),
  'e2e/bad.test.ts': lines(
    "import { createServer } from '@ottr/server';", // ok
    "import { x } from '@ottr/server/src/index.js';", // 2 package-exports
    "import { y } from '../packages/sdk/src/index.js';", // 3 relative-cross-package
  ),
};

const EXPECTED_VIOLATIONS = [
  'apps/cli/src/bad.ts:2 cli-imports',
  'apps/server/src/bad.ts:2 sdk-server-separation',
  'apps/server/src/bad.ts:2 undeclared-dependency',
  'apps/server/src/bad.ts:3 dependency-direction',
  'apps/server/src/bad.ts:3 undeclared-dependency',
  'apps/web/src/bad.ts:1 sdk-server-separation',
  'apps/web/src/bad.ts:1 undeclared-dependency',
  'e2e/bad.test.ts:2 package-exports',
  'e2e/bad.test.ts:3 relative-cross-package',
  'packages/protocol/src/ambient.ts:1 protocol-purity',
  'packages/protocol/src/bad.ts:2 protocol-purity',
  'packages/protocol/src/bad.ts:3 protocol-purity',
  'packages/protocol/src/bad.ts:4 protocol-purity',
  'packages/protocol/src/bad.ts:5 protocol-purity',
  'packages/protocol/tsconfig.json:1 protocol-purity',
  'packages/push-webpush/src/bad.ts:2 dependency-direction',
  'packages/push-webpush/src/bad.ts:2 undeclared-dependency',
  'packages/sdk/src/bad.ts:2 sdk-server-separation',
  'packages/sdk/src/bad.ts:2 undeclared-dependency',
  'packages/sdk/src/bad.ts:3 sdk-server-separation',
  'packages/sdk/src/bad.ts:3 undeclared-dependency',
  'packages/server/src/bad.ts:2 module-internals',
  'packages/server/src/bad.ts:3 module-internals',
  'packages/server/src/bad.ts:4 module-internals',
  'packages/server/src/bad.ts:5 dependency-direction',
  'packages/server/src/bad.ts:5 undeclared-dependency',
  'packages/server/src/bad.ts:6 dependency-direction',
  'packages/server/src/bad.ts:6 undeclared-dependency',
  'packages/server/src/modules/accounts/accounts.bad.ts:2 module-internals',
  'packages/server/src/modules/accounts/accounts.bad.ts:4 sdk-server-separation',
  'packages/server/src/modules/accounts/accounts.bad.ts:4 undeclared-dependency',
  'packages/store-sqlite/src/bad.ts:2 package-exports',
  'packages/store-sqlite/src/bad.ts:3 relative-cross-package',
  'packages/store-sqlite/src/bad.ts:4 dependency-direction',
  'packages/store-sqlite/src/bad.ts:4 undeclared-dependency',
  'packages/store-sqlite/src/bad.ts:5 relative-cross-package',
].sort();

const tempRoots: string[] = [];

function writeTree(files: Files): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ottr-boundaries-'));
  tempRoots.push(root);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

function run(args: string[], cwd?: string) {
  const result = spawnSync(process.execPath, [script, ...args], { cwd, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function violationsOf(stdout: string): string[] {
  const parsed = JSON.parse(stdout) as { violations: Violation[] };
  return parsed.violations.map((v) => `${v.file}:${v.line} ${v.rule}`).sort();
}

afterAll(() => {
  for (const root of tempRoots) rmSync(root, { recursive: true, force: true });
});

describe('scripts/check-boundaries.mjs', () => {
  it('passes a tree whose imports all follow the rules', () => {
    const root = writeTree(CLEAN);
    const result = run([root, '--json']);
    expect(result.stderr).toBe('');
    expect(violationsOf(result.stdout)).toEqual([]);
    expect(result.status).toBe(0);
  });

  it('checks the current directory when no root is given', () => {
    const root = writeTree(CLEAN);
    const result = run([], root);
    expect(result.stdout).toContain('check-boundaries: no violations');
    expect(result.status).toBe(0);
  });

  it('fails with file:line and rule for each violating import, and only those', () => {
    const root = writeTree({ ...CLEAN, ...VIOLATING });
    const result = run([root, '--json']);
    expect(violationsOf(result.stdout)).toEqual(EXPECTED_VIOLATIONS);
    expect(result.status).toBe(1);
  });

  it('prints violations as file:line: [rule] in text mode', () => {
    const root = writeTree({ ...CLEAN, 'packages/sdk/src/bad.ts': "import { createServer } from '@ottr/server';\n" });
    const result = run([root]);
    expect(result.stdout).toContain('packages/sdk/src/bad.ts:1: [sdk-server-separation]');
    expect(result.stdout).toContain('packages/sdk/src/bad.ts:1: [undeclared-dependency]');
    expect(result.stdout).toContain('check-boundaries: 2 violation(s)');
    expect(result.status).toBe(1);
  });
});

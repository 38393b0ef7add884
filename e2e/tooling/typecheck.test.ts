// Runs scripts/typecheck.mjs against a fake workspace tree (node_modules linked to the repo's,
// so the real tsc runs): projects are found from "workspaces" plus e2e/, empty ones are skipped,
// a type error fails the run and names the failing project.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const script = path.join(repo, 'scripts/typecheck.mjs');

const tsconfig = JSON.stringify({
  compilerOptions: { strict: true, noEmit: true, lib: ['ES2023'], types: [], module: 'ESNext', moduleResolution: 'Bundler' },
  include: ['src', '*.ts'],
});

const tempRoots: string[] = [];

function writeTree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ottr-typecheck-'));
  tempRoots.push(root);
  symlinkSync(path.join(repo, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

function run(root: string) {
  const result = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

const base = {
  'package.json': JSON.stringify({ name: 'fake', private: true, workspaces: ['packages/*'] }),
  'packages/good/package.json': '{"name":"good"}',
  'packages/good/tsconfig.json': tsconfig,
  'packages/good/src/index.ts': 'export const n: number = 1;\n',
  'packages/empty/package.json': '{"name":"empty"}',
  'packages/empty/tsconfig.json': tsconfig,
  'packages/no-tsconfig/package.json': '{"name":"no-tsconfig"}',
};

afterAll(() => {
  for (const root of tempRoots) rmSync(root, { recursive: true, force: true });
});

describe('scripts/typecheck.mjs', () => {
  it('passes when every project type-checks, skipping projects without inputs', () => {
    const result = run(writeTree(base));
    expect(result.output).toContain('typecheck: ok packages/good');
    expect(result.output).toContain('typecheck: skip packages/empty (no TypeScript inputs yet)');
    expect(result.output).not.toContain('no-tsconfig');
    expect(result.output).toContain('typecheck: 1 project(s) passed');
    expect(result.status).toBe(0);
  });

  it('checks every tsconfig*.json of a workspace, naming the extra ones by file', () => {
    const parsed = JSON.parse(tsconfig) as { compilerOptions: Record<string, unknown> };
    const domTsconfig = JSON.stringify({ ...parsed, compilerOptions: { ...parsed.compilerOptions, lib: ['ES2023', 'DOM'] }, include: ['web'] });
    const result = run(
      writeTree({
        ...base,
        'packages/good/tsconfig.browser.json': domTsconfig,
        'packages/good/web/page.ts': 'export const title: string = document.title;\n',
        'packages/good/tsconfig.bad.json': JSON.stringify({ ...JSON.parse(tsconfig), include: ['bad'] }),
        'packages/good/bad/index.ts': "export const n: number = 'one';\n",
      }),
    );
    expect(result.output).toContain('typecheck: ok packages/good (');
    expect(result.output).toContain('typecheck: ok packages/good/tsconfig.browser.json');
    expect(result.output).toContain('typecheck: FAILED packages/good/tsconfig.bad.json');
    expect(result.output).toMatch(/failed: packages\/good\/tsconfig\.bad\.json/);
    expect(result.status).toBe(1);
  });

  it('fails, naming each failing project, when one has a type error', () => {
    const result = run(
      writeTree({
        ...base,
        'packages/bad/package.json': '{"name":"bad"}',
        'packages/bad/tsconfig.json': tsconfig,
        'packages/bad/src/index.ts': "export const n: number = 'one';\n",
        'e2e/tsconfig.json': tsconfig,
        'e2e/broken.ts': 'export const s: string = 2;\n',
      }),
    );
    expect(result.output).toContain('typecheck: ok packages/good');
    expect(result.output).toContain('typecheck: FAILED packages/bad');
    expect(result.output).toContain('TS2322');
    expect(result.output).toContain('typecheck: 2 of 3 project(s) failed: ');
    expect(result.output).toMatch(/failed: .*packages\/bad/);
    expect(result.output).toMatch(/failed: .*e2e/);
    expect(result.status).toBe(1);
  });
});

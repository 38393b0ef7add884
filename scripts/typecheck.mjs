#!/usr/bin/env node
// Type-checks every tsconfig*.json of every workspace (discovered from the root package.json
// "workspaces", so new packages are picked up without editing this file), plus e2e/ and bench/
// when they have one. A workspace may have several: the SDK checks its platform-neutral core
// with tsconfig.json and its Node and browser entries with tsconfig.node.json and
// tsconfig.browser.json. A project is named by its directory for tsconfig.json and by
// <dir>/<file> otherwise. Runs the local `tsc -p <tsconfig>` at most TYPECHECK_CONCURRENCY
// (default 2) at a time, prints each project's output as one block, and exits non-zero if any
// failed.
//
// A project whose tsconfig matches no input files (e.g. a package whose src/ is still empty)
// is skipped with a note instead of failing with TS18003 "No inputs were found".
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { workspaceDirs } from './lib/workspaces.mjs';

const root = path.resolve(process.argv[2] ?? process.cwd());
const tscBin = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'tsc.cmd' : 'tsc');
const concurrency = Math.max(
  1,
  Number(process.env.TYPECHECK_CONCURRENCY) || Math.min(2, availableParallelism()),
);

const TSCONFIG = /^tsconfig(?:\.[\w-]+)?\.json$/;

/** Projects as { name, config } (config relative to root): every tsconfig*.json, tsconfig.json first. */
function discoverProjects() {
  const dirs = [...new Set([...workspaceDirs(root), 'e2e', 'bench'])];
  const projects = [];
  for (const dir of dirs) {
    const abs = path.join(root, dir);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) continue;
    const files = readdirSync(abs)
      .filter((f) => TSCONFIG.test(f) && statSync(path.join(abs, f)).isFile())
      .sort((a, b) => (a === 'tsconfig.json' ? -1 : b === 'tsconfig.json' ? 1 : a.localeCompare(b)));
    for (const f of files) projects.push({ name: f === 'tsconfig.json' ? dir : `${dir}/${f}`, config: `${dir}/${f}` });
  }
  return projects;
}

/** Number of input files the project's tsconfig matches (include/files/exclude applied). */
function countInputs(config) {
  const configPath = path.join(root, config);
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: () => {},
  });
  // If the config cannot be read, let tsc itself report the problem.
  if (!parsed) return Infinity;
  return parsed.fileNames.length;
}

function runTsc({ name: dir, config }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(tscBin, ['-p', config, '--pretty', process.stdout.isTTY ? 'true' : 'false'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (err) => resolve({ dir, ok: false, output: String(err), ms: Date.now() - started }));
    child.on('close', (code) => resolve({ dir, ok: code === 0, output, ms: Date.now() - started }));
  });
}

async function main() {
  if (!existsSync(tscBin)) {
    console.error(`typecheck: ${path.relative(root, tscBin)} not found; run npm install first`);
    process.exit(2);
  }
  const projects = [];
  for (const project of discoverProjects()) {
    if (countInputs(project.config) === 0) {
      console.log(`typecheck: skip ${project.name} (no TypeScript inputs yet)`);
    } else {
      projects.push(project);
    }
  }

  const results = [];
  const queue = [...projects];
  async function worker() {
    for (let project = queue.shift(); project !== undefined; project = queue.shift()) {
      const result = await runTsc(project);
      results.push(result);
      const status = result.ok ? 'ok' : 'FAILED';
      console.log(`typecheck: ${status} ${result.dir} (${(result.ms / 1000).toFixed(1)}s)`);
      if (result.output.trim()) console.log(result.output.trimEnd());
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));

  const failed = results.filter((r) => !r.ok).map((r) => r.dir);
  if (failed.length > 0) {
    console.error(`typecheck: ${failed.length} of ${results.length} project(s) failed: ${failed.join(', ')}`);
    process.exit(1);
  }
  console.log(`typecheck: ${results.length} project(s) passed`);
}

await main();

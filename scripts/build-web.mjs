#!/usr/bin/env node
// Builds the web app (apps/web → apps/web/dist) with Vite, only when it is stale: a hash over
// everything that goes into it (apps/web without dist/ and node_modules/, the SDK's and the
// protocol's sources, the Vite version) is compared with dist/.build-stamp, written after a
// successful build. The build goes to a temporary directory that replaces dist/ only once it is
// complete, so the server never serves half a build. Prints one line either way.
//
// Run by `npm install` (prepare), `npm start` (prestart), `npm run build:web`, and by vitest's
// globalSetup (scripts/vitest-global-setup.mjs), so tests always see a current build.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(import.meta.dirname, '..');
const WEB = path.join(ROOT, 'apps/web');
const DIST = path.join(WEB, 'dist');
const STAMP = '.build-stamp';
/** Inputs of the build besides apps/web itself (the app bundles the SDK and the protocol). */
const SHARED_SOURCES = ['packages/sdk/src', 'packages/protocol/src'];
/** Not inputs: outputs, dependencies, the temporary build directories, Vite's bundled config. */
const SKIPPED = (name) => name === 'dist' || name === 'node_modules' || name.startsWith('.dist-') || name.includes('.timestamp-');

/** Files under `dir` as paths relative to ROOT, sorted (so the hash does not depend on readdir order). */
function filesUnder(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (entry.isFile()) out.push(path.relative(ROOT, full));
  }
  return out.sort();
}

/** Hex sha256 over the path and content of every input, and the Vite version that builds them. */
export function webSourceHash() {
  const hash = createHash('sha256');
  const vite = createRequire(path.join(WEB, 'package.json'))('vite/package.json');
  hash.update(`vite ${vite.version}\0`);
  // How it is built is an input too: a change to this script rebuilds.
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  hash.update('\0');
  for (const dir of [WEB, ...SHARED_SOURCES.map((d) => path.join(ROOT, d))]) {
    for (const file of filesUnder(dir)) {
      hash.update(`${file.split(path.sep).join('/')}\0`);
      hash.update(readFileSync(path.join(ROOT, file)));
      hash.update('\0');
    }
  }
  return hash.digest('hex');
}

function currentStamp() {
  try {
    return readFileSync(path.join(DIST, STAMP), 'utf8').trim();
  } catch {
    return null;
  }
}

/**
 * Builds apps/web into apps/web/dist unless dist/ was built from the current sources. Resolves
 * to 'absent' (no apps/web), 'fresh' or 'built'; rejects when the build fails (dist/ is then
 * left as it was).
 */
export async function ensureWebBuilt({ log = console.log } = {}) {
  if (!existsSync(WEB)) {
    log('web app: apps/web does not exist, nothing to build');
    return 'absent';
  }
  const configFile = path.join(WEB, 'vite.config.ts');
  if (!existsSync(configFile)) throw new Error(`web app: ${path.relative(ROOT, configFile)} is missing, cannot build apps/web`);
  const hash = webSourceHash();
  if (currentStamp() === hash) {
    log('web app up to date');
    return 'fresh';
  }
  const started = performance.now();
  const tmp = path.join(WEB, `.dist-${process.pid}-${Date.now()}`);
  const old = `${tmp}-old`;
  try {
    // Vite is resolved from apps/web (it is the web app's dependency), loaded only when needed.
    const vitePath = createRequire(path.join(WEB, 'package.json')).resolve('vite');
    const { build } = await import(pathToFileURL(vitePath).href);
    // Always the production build: run from vitest's globalSetup, NODE_ENV is 'test', and Vite
    // would then bundle React's development build (slow, and not what `npm start` should serve).
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ root: WEB, configFile, mode: 'production', logLevel: 'warn', build: { outDir: tmp, emptyOutDir: true } });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    await writeFile(path.join(tmp, STAMP), `${hash}\n`);
    // Two renames: dist/ is missing only between them, never half-written.
    if (existsSync(DIST)) await rename(DIST, old);
    await rename(tmp, DIST);
  } catch (err) {
    // Another build (a parallel test run) may have put the same sources in place meanwhile.
    if (currentStamp() !== hash) throw err;
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await rm(old, { recursive: true, force: true });
  }
  log(`web app built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return 'built';
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    await ensureWebBuilt();
  } catch (err) {
    console.error(err);
    console.error('web app: build failed (npm run build:web to retry)');
    process.exitCode = 1;
  }
}

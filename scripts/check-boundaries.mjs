#!/usr/bin/env node
// Import-boundary check (ARCHITECTURE.md §2). Usage:
//   node scripts/check-boundaries.mjs [root] [--json]
// Scans every workspace listed in root package.json "workspaces", plus e2e/ and bench/, reads the
// import/export-from/require/dynamic-import specifiers of each source file with
// ts.preProcessFile, and reports each violation as `file:line: [rule] message`. Exits 1 on any.
//
// Rules:
//   protocol-purity        packages/protocol/src imports a node built-in or any package other than
//                          @sinclair/typebox (test files may also import vitest); its tsconfig
//                          must set "lib" without DOM and "types" without node.
//   sdk-server-separation  the SDK side (packages/sdk, apps/web) imports the server side
//                          (@ottr/server, @ottr/server-app, the adapters @ottr/store-*, @ottr/bus-*,
//                          @ottr/media-*, @ottr/push-*), or the server side imports the SDK side.
//   cli-imports            apps/cli imports an @ottr/* package other than @ottr/sdk,
//                          @ottr/protocol, @ottr/server-app.
//   dependency-direction   protocol <- server <- store-*/bus-*/media-*/push-* <- apps/server and
//                          protocol <- sdk <- web, cli: an import against that direction
//                          (e.g. server -> store-*, store-* -> bus-*, anything -> apps).
//                          Exception by rule: packages/server test files may import
//                          @ottr/store-sqlite (services are tested on the real default store).
//   relative-cross-package a relative import leaves its own package (or e2e/, bench/), e.g.
//                          `../../server/src/x.js`; import the package by name instead.
//   package-exports        an @ottr/* subpath that the package's "exports" does not list,
//                          e.g. `@ottr/server/src/x`.
//   undeclared-dependency  a workspace imports an @ottr/* package that its package.json does not
//                          declare in dependencies/devDependencies/peerDependencies.
//   module-internals       inside packages/server/src, a file outside modules/<name>/ (or
//                          transport/<name>/) imports anything in that folder but its index.ts.
//   stale-allow-list-entry an ALLOW entry below no longer matches a violation: delete it.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { workspaceDirs } from './lib/workspaces.mjs';

// Known exceptions. This list may only shrink: fix the import instead of adding an entry.
// Entry shape: { file: 'packages/x/src/y.ts', rule: 'module-internals', specifier: '../a/b.js', reason: '…' }
const ALLOW = [];

/** Folders whose sub-folders are units used only through their index.ts. */
const FOLDER_UNITS = [{ dir: 'packages/server/src', groups: ['modules', 'transport'] }];

/** Extra non-workspace areas that may import any package by name (they see both sides). */
const EXTRA_AREAS = ['e2e', 'bench'];

const PROTOCOL_DIR = 'packages/protocol';
const PROTOCOL_ALLOWED = new Set(['@sinclair/typebox']);
const PROTOCOL_TEST_ALLOWED = new Set(['vitest']);

/** Layer of a workspace, by its directory. */
function layerOfDir(dir) {
  if (dir === 'packages/protocol') return 'protocol';
  if (dir === 'packages/server') return 'server';
  if (/^packages\/(store|bus|media|push)-[^/]+$/.test(dir)) return 'adapter';
  if (dir === 'packages/sdk') return 'sdk';
  if (dir === 'apps/server') return 'server-app';
  if (dir === 'apps/web') return 'web';
  if (dir === 'apps/cli') return 'cli';
  return null;
}

/** Layer of a package that is not (yet) a workspace, by its name. */
function layerOfName(name) {
  if (name === '@ottr/protocol') return 'protocol';
  if (name === '@ottr/server') return 'server';
  if (/^@ottr\/(store|bus|media)-/.test(name)) return 'adapter';
  if (name === '@ottr/sdk') return 'sdk';
  if (name === '@ottr/server-app') return 'server-app';
  if (name === '@ottr/web') return 'web';
  if (name === '@ottr/cli') return 'cli';
  return null;
}

/** Which layers each layer may import (besides itself as the same package). */
const MAY_IMPORT = {
  protocol: [],
  server: ['protocol'],
  adapter: ['protocol', 'server'],
  'server-app': ['protocol', 'server', 'adapter'],
  sdk: ['protocol'],
  web: ['protocol', 'sdk'],
  cli: ['protocol', 'sdk', 'server-app'],
};
/**
 * Test files may also import these packages against the direction: the server's services are
 * tested on the real embedded default store (declared as a devDependency), not on a fake.
 */
const TEST_MAY_IMPORT = { server: ['@ottr/store-sqlite'] };
const SERVER_SIDE = new Set(['server', 'adapter', 'server-app']);
const SDK_SIDE = new Set(['sdk', 'web']);

const SOURCE_EXT = /\.(?:[mc]?ts|tsx|[mc]?js|jsx)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'data', 'coverage', 'test-output']);
const TEST_FILE = /\.(?:test|spec)\.[mc]?[tj]sx?$/;

const args = process.argv.slice(2);
const json = args.includes('--json');
const root = path.resolve(args.find((a) => !a.startsWith('--')) ?? process.cwd());

const toPosix = (p) => p.split(path.sep).join('/');
const rel = (abs) => toPosix(path.relative(root, abs));

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function loadAreas() {
  const areas = [];
  for (const dir of workspaceDirs(root)) {
    const pkgFile = path.join(root, dir, 'package.json');
    if (!existsSync(pkgFile)) continue;
    const pkg = readJson(pkgFile);
    areas.push({
      dir,
      name: pkg.name,
      exports: pkg.exports,
      deps: new Set(
        ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((k) =>
          Object.keys(pkg[k] ?? {}),
        ),
      ),
      layer: layerOfDir(dir),
      workspace: true,
    });
  }
  for (const dir of EXTRA_AREAS) {
    if (existsSync(path.join(root, dir))) areas.push({ dir, name: null, layer: null, workspace: false });
  }
  return areas;
}

function* walk(absDir) {
  for (const entry of readdirSync(absDir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const abs = path.join(absDir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) yield* walk(abs);
    } else if (entry.isFile() && SOURCE_EXT.test(entry.name)) {
      yield abs;
    }
  }
}

/** Path (relative to root) of the source file a relative specifier points at. */
function resolveRelative(fromFile, specifier) {
  const target = path.resolve(path.dirname(fromFile), specifier);
  const candidates = [target];
  const m = /\.([mc]?)js(x?)$/.exec(target);
  if (m) candidates.unshift(target.slice(0, m.index) + `.${m[1]}ts${m[2]}`);
  if (!/\.[a-z]+$/i.test(path.basename(target))) {
    candidates.push(`${target}.ts`, `${target}.tsx`, path.join(target, 'index.ts'), path.join(target, 'index.tsx'));
  }
  const found = candidates.find((c) => existsSync(c));
  // A missing target is a type error elsewhere; judge the path as written (.js mapped to .ts).
  return rel(found ?? candidates[0]);
}

function packageNameOf(specifier) {
  const parts = specifier.split('/');
  const count = specifier.startsWith('@') ? 2 : 1;
  return { name: parts.slice(0, count).join('/'), subpath: parts.slice(count).join('/') };
}

/** Whether `./subpath` (or "." for the bare name) is listed in a package.json "exports" value. */
function isExported(exportsField, subpath) {
  const key = subpath ? `./${subpath}` : '.';
  if (exportsField === undefined || exportsField === null) return key === '.';
  if (typeof exportsField === 'string' || Array.isArray(exportsField)) return key === '.';
  const keys = Object.keys(exportsField);
  if (!keys.some((k) => k.startsWith('.'))) return key === '.'; // conditions only: "." alone
  if (key in exportsField) return exportsField[key] !== null;
  // Subpath patterns: the longest matching "./prefix*suffix" key wins.
  let best = null;
  for (const k of keys) {
    const star = k.indexOf('*');
    if (star < 0) continue;
    const [prefix, suffix] = [k.slice(0, star), k.slice(star + 1)];
    if (key.startsWith(prefix) && key.endsWith(suffix) && key.length >= prefix.length + suffix.length) {
      if (!best || prefix.length > best.prefix.length) best = { prefix, value: exportsField[k] };
    }
  }
  return best !== null && best.value !== null;
}

function lineOf(text, pos) {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function checkProtocolTsconfig(violations) {
  const file = path.join(root, PROTOCOL_DIR, 'tsconfig.json');
  if (!existsSync(file)) return;
  const parsed = ts.getParsedCommandLineOfConfigFile(file, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: () => {},
  });
  if (!parsed) return;
  const { lib, types } = parsed.options;
  const report = (message) =>
    violations.push({ file: rel(file), line: 1, rule: 'protocol-purity', specifier: '', message });
  if (!lib) report('tsconfig must set "lib" explicitly (the default lib includes DOM)');
  else if (lib.some((l) => /dom|webworker/i.test(l))) report(`tsconfig "lib" must not include DOM (${lib.join(', ')})`);
  if (!types) report('tsconfig must set "types" explicitly (the default picks up @types/node)');
  else if (types.includes('node')) report('tsconfig "types" must not include node');
}

function main() {
  const areas = loadAreas();
  const byName = new Map(areas.filter((a) => a.name).map((a) => [a.name, a]));
  // Longest directory first so that the owning area of a path is the most specific one.
  const sortedAreas = [...areas].sort((a, b) => b.dir.length - a.dir.length);
  const areaOf = (relPath) => sortedAreas.find((a) => relPath === a.dir || relPath.startsWith(`${a.dir}/`)) ?? null;

  const violations = [];
  const notes = [];
  checkProtocolTsconfig(violations);

  for (const area of areas) {
    if (area.workspace && area.layer === null) {
      notes.push(`${area.dir} (${area.name}) has no layer in scripts/check-boundaries.mjs; only generic rules apply`);
    }
  }

  for (const area of areas) {
    for (const abs of walk(path.join(root, area.dir))) {
      const file = rel(abs);
      const text = readFileSync(abs, 'utf8');
      const info = ts.preProcessFile(text, true, true);
      const imports = info.importedFiles.map((r) => ({ specifier: r.fileName, pos: r.pos, typeRef: false }));
      for (const r of info.typeReferenceDirectives) imports.push({ specifier: r.fileName, pos: r.pos, typeRef: true });
      const isTest = TEST_FILE.test(file);
      const inProtocolSrc = file.startsWith(`${PROTOCOL_DIR}/src/`);

      for (const { specifier, pos, typeRef } of imports) {
        const line = lineOf(text, pos);
        const report = (rule, message) => violations.push({ file, line, rule, specifier, message });

        if (typeRef) {
          if (inProtocolSrc) report('protocol-purity', `protocol must not reference ambient types "${specifier}"`);
          continue;
        }

        if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
          const target = resolveRelative(abs, specifier);
          const targetArea = areaOf(target);
          if (targetArea !== area) {
            const where = targetArea ? (targetArea.name ?? targetArea.dir) : 'outside any package';
            report('relative-cross-package', `relative import reaches ${where} (${target}); import the package by name`);
            continue;
          }
          checkFolderUnits(file, target, report);
          continue;
        }

        if (specifier.startsWith('#') || (/^[a-z][a-z0-9+.-]*:/i.test(specifier) && !specifier.startsWith('node:'))) {
          continue; // package.json "imports" or URL specifiers
        }

        const builtin = specifier.startsWith('node:') || isBuiltin(specifier);
        const { name, subpath } = packageNameOf(specifier);

        if (inProtocolSrc) {
          if (builtin) {
            report('protocol-purity', `protocol must not import node built-ins ("${specifier}")`);
          } else if (!PROTOCOL_ALLOWED.has(name) && !(isTest && PROTOCOL_TEST_ALLOWED.has(name))) {
            report('protocol-purity', `protocol may import only ${[...PROTOCOL_ALLOWED].join(', ')} ("${specifier}")`);
          }
          continue;
        }
        if (builtin || !name.startsWith('@ottr/')) continue;

        const target = byName.get(name);
        if (target && !isExported(target.exports, subpath)) {
          report('package-exports', `"${specifier}" is not listed in ${name}'s package.json "exports"`);
        }
        if (target === area) continue; // self-reference by name

        if (area.workspace && !area.deps.has(name)) {
          report('undeclared-dependency', `${name} is not declared in ${area.dir}/package.json`);
        }

        const from = area.layer;
        const to = target ? target.layer : layerOfName(name);
        if (from === null || to === null || MAY_IMPORT[from].includes(to)) continue;
        if (isTest && TEST_MAY_IMPORT[from]?.includes(name)) continue;
        if (from === 'protocol') report('protocol-purity', `protocol must not import ${name}`);
        else if ((SDK_SIDE.has(from) && SERVER_SIDE.has(to)) || (SERVER_SIDE.has(from) && SDK_SIDE.has(to))) {
          report('sdk-server-separation', `${area.dir} (${from} side) must not import ${name} (${to})`);
        } else if (from === 'cli') {
          report('cli-imports', `apps/cli may import only @ottr/sdk, @ottr/protocol, @ottr/server-app, not ${name}`);
        } else {
          report('dependency-direction', `${area.dir} (${from}) must not import ${name} (${to})`);
        }
      }
    }
  }

  // Apply the allow-list; entries that match nothing are themselves violations (the list only shrinks).
  const used = new Set();
  const remaining = violations.filter((v) => {
    const i = ALLOW.findIndex((a) => a.file === v.file && a.rule === v.rule && a.specifier === v.specifier);
    if (i >= 0) used.add(i);
    return i < 0;
  });
  ALLOW.forEach((a, i) => {
    if (!used.has(i)) {
      remaining.push({
        file: 'scripts/check-boundaries.mjs',
        line: 1,
        rule: 'stale-allow-list-entry',
        specifier: a.specifier,
        message: `ALLOW entry for ${a.file} [${a.rule}] "${a.specifier}" matches nothing; delete it`,
      });
    }
  });
  remaining.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);

  if (json) {
    process.stdout.write(`${JSON.stringify({ violations: remaining, notes }, null, 2)}\n`);
  } else {
    for (const note of notes) console.log(`check-boundaries: note: ${note}`);
    for (const v of remaining) console.log(`${v.file}:${v.line}: [${v.rule}] ${v.message}`);
    console.log(
      remaining.length === 0
        ? 'check-boundaries: no violations'
        : `check-boundaries: ${remaining.length} violation(s); rules are described at the top of scripts/check-boundaries.mjs`,
    );
  }
  process.exitCode = remaining.length === 0 ? 0 : 1;
}

/** module-internals: `<unit dir>/<group>/<name>/…` may be imported from outside only via its index. */
function checkFolderUnits(file, target, report) {
  for (const { dir, groups } of FOLDER_UNITS) {
    for (const group of groups) {
      const base = `${dir}/${group}/`;
      if (!target.startsWith(base)) continue;
      const [unit, ...restParts] = target.slice(base.length).split('/');
      if (restParts.length === 0) continue; // a file directly in <group>/, not in a unit folder
      const unitDir = `${base}${unit}/`;
      if (file.startsWith(unitDir)) continue; // inside the same unit
      const rest = restParts.join('/');
      if (rest === '' || /^index(?:\.[mc]?[tj]sx?)?$/.test(rest)) continue;
      report('module-internals', `import ${group}/${unit} through its index.ts, not ${group}/${unit}/${rest}`);
    }
  }
}

main();

import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The repository root (stack frames are shown relative to it). */
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The global the page bundle's exports are assigned to. */
export const PAGE_GLOBAL = '__ottrPage';

/** Stack frames of bundled code carry this prefix (the bundle's `//# sourceURL`). */
const URL_PREFIX = 'ottr-bundle/';

export interface PageBundle {
  /** Script text for page.addScriptTag: an IIFE that assigns the entry's exports to `__ottrPage`. */
  code: string;
  /** Rewrites `ottr-bundle/<name>.js:line:col` frames of a page stack to TypeScript source lines. */
  remapStack(stack: string): string;
}

const cache = new Map<string, Promise<PageBundle>>();

/**
 * Bundles a TypeScript module and everything it imports (workspace packages by name, resolved
 * with the `browser` condition) for the page, once per entry and test file.
 */
export function bundleForPage(entry: string): Promise<PageBundle> {
  const abs = path.resolve(REPO_ROOT, entry);
  let bundle = cache.get(abs);
  if (!bundle) {
    bundle = buildBundle(abs);
    cache.set(abs, bundle);
    bundle.catch(() => cache.delete(abs));
  }
  return bundle;
}

async function buildBundle(entry: string): Promise<PageBundle> {
  const name = path.basename(entry).replace(/\.[mc]?tsx?$/, '');
  // Not written: outfile only names the output, so that source map paths are relative to it.
  const outfile = path.join(REPO_ROOT, 'test-output', 'browser', 'bundles', `${name}.js`);
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    write: false,
    format: 'iife',
    globalName: PAGE_GLOBAL,
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'external',
    sourcesContent: false,
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.js.map'));
  if (!js || !map) throw new Error(`esbuild produced no bundle for ${entry}`);

  const sourceMap = new SourceMap(JSON.parse(map.text) as ConstructorParameters<typeof SourceMap>[0]);
  const scriptUrl = `${URL_PREFIX}${name}.js`;
  const framePattern = new RegExp(`${escapeRegExp(scriptUrl)}:(\\d+):(\\d+)`, 'g');
  return {
    code: `${js.text}\n//# sourceURL=${scriptUrl}\n`,
    remapStack(stack) {
      return stack.replace(framePattern, (frame, line: string, column: string) => {
        const found = sourceMap.findEntry(Number(line) - 1, Number(column) - 1) as Partial<{ originalSource: string; originalLine: number; originalColumn: number }>;
        if (found.originalSource === undefined || found.originalLine === undefined || found.originalColumn === undefined) return frame;
        const source = path.relative(REPO_ROOT, path.resolve(path.dirname(outfile), found.originalSource.replace(/^file:\/\//, '')));
        return `${source}:${found.originalLine + 1}:${found.originalColumn + 1}`;
      });
    },
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

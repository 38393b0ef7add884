import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const doc = readFileSync(path.join(ROOT, 'docs/web.md'), 'utf8');

/** Every .ts/.tsx source of the web app, concatenated (to find the labels the doc names). */
function webSources(): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts')) out.push(readFileSync(p, 'utf8'));
    }
  };
  walk(path.join(ROOT, 'apps/web/src'));
  return out.join('\n');
}

/** docs/web.md tells people which buttons to press: those buttons must exist under those names. */
describe('docs/web.md', () => {
  it('names only controls the app has (every **bold** name is a label in apps/web/src)', () => {
    const sources = webSources();
    const names = [...doc.matchAll(/\*\*([^*]+)\*\*/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(8);
    const missing = names.filter((n) => !sources.includes(n));
    expect(missing).toEqual([]);
  });

  it('links to files that exist', () => {
    const links = [...doc.matchAll(/\]\(([^)#]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!).filter((l) => !/^https?:/.test(l));
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(existsSync(path.join(ROOT, 'docs', link)), link).toBe(true);
  });

  it('describes the layout of apps/web as it is', () => {
    const tree = /```\napps\/web\/\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    // "  src/screens/signin|shell|list/   what it is": the names before the description.
    const names = tree
      .split('\n')
      .map((line) => line.trim().split(/\s{2,}/)[0] ?? '')
      .filter(Boolean)
      .flatMap((cell) => cell.split(', '))
      .flatMap((name) => {
        const alt = /^(.*\/)([^/]+\|[^/]+)\/$/.exec(name);
        return alt ? alt[2]!.split('|').map((part) => `${alt[1]}${part}/`) : [name];
      });
    expect(names.length).toBeGreaterThan(8);
    const missing = names.filter((name) => !existsSync(path.join(ROOT, 'apps/web', name)));
    expect(missing).toEqual([]);
  });
});

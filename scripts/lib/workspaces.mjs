// Workspace discovery shared by the repo scripts: reads the root package.json "workspaces" and
// expands simple patterns ("packages/*": a `*` matches within one path segment).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Directories (relative to root, "/"-separated) listed or matched by root package.json workspaces. */
export function workspaceDirs(root) {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const patterns = Array.isArray(pkg.workspaces) ? pkg.workspaces : (pkg.workspaces?.packages ?? []);
  const dirs = [];
  for (const pattern of patterns) {
    let current = [''];
    for (const segment of pattern.split('/').filter((s) => s && s !== '.')) {
      const next = [];
      for (const base of current) {
        if (!segment.includes('*')) {
          next.push(base ? `${base}/${segment}` : segment);
          continue;
        }
        const abs = path.join(root, base);
        if (!existsSync(abs)) continue;
        const re = new RegExp(`^${segment.split('*').map(escapeRegExp).join('[^/]*')}$`);
        for (const entry of readdirSync(abs, { withFileTypes: true })) {
          if (entry.isDirectory() && re.test(entry.name)) next.push(base ? `${base}/${entry.name}` : entry.name);
        }
      }
      current = next;
    }
    dirs.push(...current);
  }
  return [...new Set(dirs)].filter((dir) => existsSync(path.join(root, dir)));
}

function escapeRegExp(s) {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

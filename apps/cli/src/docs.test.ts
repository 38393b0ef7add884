import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';

const DOC = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8');

const COMMANDS = [
  ['serve'],
  ['login'],
  ['logout'],
  ['whoami'],
  ['chats'],
  ['send'],
  ['download'],
  ['stickers'],
  ['history'],
  ['tail'],
  ['group', 'create'],
  ['group', 'add'],
  ['group', 'remove'],
  ['admin', 'login'],
  ['admin', 'accounts', 'list'],
  ['admin', 'accounts', 'create'],
  ['admin', 'accounts', 'session'],
  ['admin', 'accounts', 'suspend'],
  ['admin', 'accounts', 'delete'],
  ['admin', 'export'],
  ['admin', 'import'],
];

async function help(words: string[]): Promise<{ code: number | null; out: string }> {
  let out = '';
  const code = await main([...words, '--help'], { stdout: (t) => (out += t), stderr: (t) => (out += t), env: {} });
  return { code, out };
}

describe('docs/cli.md', () => {
  it.each(COMMANDS.map((c) => [c.join(' '), c] as const))('documents `ottr %s` and every option its --help lists', async (_name, words) => {
    const { code, out } = await help(words);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: ottr /);
    expect(DOC).toContain(`## \`ottr ${words[0]!}\``);
    for (const flag of new Set(out.match(/--[a-z][a-z-]+/g) ?? [])) expect([words.join(' '), flag, DOC.includes(flag)]).toEqual([words.join(' '), flag, true]);
  });
});

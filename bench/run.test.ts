// `npm run bench -- --quick` on this checkout: it runs end to end and its last line is one JSON
// object of numbers with every figure of a single-node run. No timing is asserted here — speed
// is what the benchmark measures, never what a test checks.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FIELDS } from './fields.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const SINGLE_NODE = Object.keys(FIELDS).filter((f) => !/^(ejabberd|prosody)_|_vs_(ejabberd|prosody)$|^group10k_/.test(f));

describe('npm run bench -- --quick', () => {
  it('prints the table and, as its last line, one JSON object with every single-node figure as a number', async () => {
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'bench', '--', '--quick'], { cwd: ROOT, timeout: 280_000, maxBuffer: 16 * 2 ** 20 });
    const lines = stdout.trim().split('\n');
    expect(lines.some((l) => l.startsWith('figure'))).toBe(true);
    const result = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    expect(Object.keys(result).sort()).toEqual([...SINGLE_NODE].sort());
    for (const [name, value] of Object.entries(result)) expect([name, typeof value === 'number' && Number.isFinite(value) && value > 0]).toEqual([name, true]);
  }, 300_000);
});

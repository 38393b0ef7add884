/** The benchmark's output: a table for people, then one JSON line (numbers only) for machines. */
import { fieldOf } from './fields.js';
import { TARGETS } from './profile.js';

function verdict(name: string, value: number): string {
  const t = TARGETS[name];
  if (!t) return '';
  if (t.min !== undefined) return `${value >= t.min ? 'met' : 'MISSED'} (≥ ${t.min})`;
  if (t.max !== undefined) return `${value <= t.max ? 'met' : 'MISSED'} (≤ ${t.max})`;
  return '';
}

export function printReport(results: Record<string, number>, notes: readonly string[], header: string): void {
  const unknown = Object.keys(results).filter((name) => fieldOf(name) === undefined);
  if (unknown.length > 0) throw new Error(`fields missing from bench/fields.ts: ${unknown.join(', ')}`);
  const rows = Object.entries(results).map(([name, value]) => [name, value.toLocaleString('en-US'), fieldOf(name)!.unit, verdict(name, value)]);
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length), ['figure', 'value', 'unit', 'target'][c]!.length));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 1 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  const out = [
    '',
    header,
    line(['figure', 'value', 'unit', 'target']),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    ...notes.map((n) => `note: ${n}`),
    '',
    JSON.stringify(results),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

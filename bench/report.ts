/** The benchmark's output: a table for people, then one JSON line (numbers only) for machines. */

const UNITS: Record<string, string> = { _us_per_msg: 'µs', _msgs_s: 'msgs/s', _rows_s: 'rows/s', _per_s: '/s', _ms: 'ms', _kib: 'KiB', _vs_: 'ratio', duration_s: 's' };

function unitOf(name: string): string {
  for (const [suffix, unit] of Object.entries(UNITS)) if (name.includes(suffix)) return unit;
  return '';
}

function verdict(name: string, value: number, targets: Record<string, { min?: number; max?: number }>): string {
  const t = targets[name.replace(/^cluster_/, '')];
  if (!t || name.startsWith('cluster_')) return '';
  if (t.min !== undefined) return `${value >= t.min ? 'met' : 'MISSED'} (≥ ${t.min})`;
  if (t.max !== undefined) return `${value <= t.max ? 'met' : 'MISSED'} (≤ ${t.max})`;
  return '';
}

export function printReport(results: Record<string, number>, targets: Record<string, { min?: number; max?: number }>, notes: readonly string[], quick: boolean): void {
  const rows = Object.entries(results).map(([name, value]) => [name, value.toLocaleString('en-US'), unitOf(name), verdict(name, value, targets)]);
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length), ['figure', 'value', 'unit', 'target'][c]!.length));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 1 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  const out = [
    '',
    `ottr benchmark (${quick ? 'quick' : 'full'} run). ottr stores every message durably (SQLite WAL, synchronous=FULL) before acknowledging it.`,
    line(['figure', 'value', 'unit', 'target']),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    ...notes.map((n) => `note: ${n}`),
    '',
    JSON.stringify(results),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

import { displayWidth, padEnd, padStart } from './text.js';

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/**
 * Rows as aligned columns separated by two spaces, with a header line (styled by `head`).
 * Trailing spaces are trimmed; cells may hold ANSI colour codes.
 */
export function table(columns: Column[], rows: string[][], head: (t: string) => string = (t) => t): string {
  const widths = columns.map((c, i) => Math.max(displayWidth(c.header), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: string[], paint = (t: string) => t) =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        const last = i === columns.length - 1;
        if (c.align === 'right') return padStart(cell, widths[i]!);
        return last ? cell : padEnd(cell, widths[i]!);
      })
      .map((cell) => paint(cell))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header), head), ...rows.map((r) => line(r))].join('\n') + '\n';
}

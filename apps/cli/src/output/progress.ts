/**
 * Progress of long work on stderr: a bar redrawn in place when stderr is a TTY (at most every
 * 100 ms, erased when done); for work worth following in logs (uploads, downloads), a plain
 * `label 25%` line at each quarter when stderr is not a TTY; otherwise nothing.
 */
export type ProgressMode = 'bar' | 'lines' | 'off';

/** How counts read: plain numbers, or e.g. bytes. */
export type CountFormat = (n: number) => string;

export class Progress {
  private lastDraw = 0;
  private drawn = false;
  private lastQuarter = -1;

  constructor(
    private readonly write: (text: string) => void,
    private readonly mode: ProgressMode,
    private readonly label: string,
    private total?: number,
    private readonly format: CountFormat = String,
  ) {}

  update(done: number, total: number | undefined = this.total): void {
    this.total = total;
    if (this.mode === 'lines') {
      if (total === undefined || total <= 0) return;
      const quarter = Math.floor(Math.min(1, done / total) * 4);
      if (quarter <= this.lastQuarter) return;
      this.lastQuarter = quarter;
      this.write(`${this.label} ${quarter * 25}%\n`);
      return;
    }
    if (this.mode === 'off') return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && !(total !== undefined && done >= total)) return;
    this.lastDraw = now;
    this.drawn = true;
    this.write(`\r\u001b[2K${renderBar(this.label, done, total, 24, this.format)}`);
  }

  done(): void {
    if (this.mode === 'bar' && this.drawn) this.write('\r\u001b[2K');
    this.drawn = false;
  }
}

/** `label [#########-----------]  45% 450/1000`, or `label 450` without a known total. */
export function renderBar(label: string, done: number, total: number | undefined, width = 24, format: CountFormat = String): string {
  if (total === undefined || total <= 0) return `${label} ${format(done)}`;
  const ratio = Math.min(1, Math.max(0, done / total));
  const filled = Math.round(ratio * width);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}% ${format(done)}/${format(total)}`;
}

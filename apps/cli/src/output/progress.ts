/**
 * A progress bar on stderr for long work, drawn only when stderr is a TTY (never in pipes,
 * logs or tests), at most every 100 ms, and erased when done.
 */
export class Progress {
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly enabled: boolean,
    private readonly label: string,
    private total?: number,
  ) {}

  update(done: number, total: number | undefined = this.total): void {
    this.total = total;
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && !(total !== undefined && done >= total)) return;
    this.lastDraw = now;
    this.drawn = true;
    this.write(`\r\u001b[2K${renderBar(this.label, done, total)}`);
  }

  done(): void {
    if (this.enabled && this.drawn) this.write('\r\u001b[2K');
    this.drawn = false;
  }
}

/** `label [#########-----------]  45% 450/1000`, or `label 450` without a known total. */
export function renderBar(label: string, done: number, total: number | undefined, width = 24): string {
  if (total === undefined || total <= 0) return `${label} ${done}`;
  const ratio = Math.min(1, Math.max(0, done / total));
  const filled = Math.round(ratio * width);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}% ${done}/${total}`;
}

// Terminal text: colour (only for a TTY and without NO_COLOR), display width and truncation.

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const MARK = /\p{M}/u;
const PICTOGRAPH = /\p{Extended_Pictographic}/u;
/** East Asian wide and fullwidth ranges (code points). */
const WIDE_RANGES: [number, number][] = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf],
  [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe30, 0xfe4f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x20000, 0x3fffd],
];

/** Terminal columns of one code point: 0 for marks, joiners and variation selectors, 2 for wide ones. */
function charWidth(ch: string): number {
  const cp = ch.codePointAt(0)!;
  if ((cp >= 0x200b && cp <= 0x200f) || cp === 0x2060 || (cp >= 0xfe00 && cp <= 0xfe0f) || MARK.test(ch)) return 0;
  if (PICTOGRAPH.test(ch) && cp > 0xff) return 2;
  return WIDE_RANGES.some(([a, b]) => cp >= a && cp <= b) ? 2 : 1;
}

export type Paint = (text: string) => string;
export interface Style {
  enabled: boolean;
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  blue: Paint;
  cyan: Paint;
}

const code = (open: number, close: number): Paint => (t) => `\u001b[${open}m${t}\u001b[${close}m`;
const plain: Paint = (t) => t;

/** Colours for a stream: on when it is a TTY and NO_COLOR is unset (https://no-color.org). */
export function style(isTTY: boolean, env: Record<string, string | undefined>): Style {
  const enabled = isTTY && !env.NO_COLOR && env.TERM !== 'dumb';
  if (!enabled) return { enabled, bold: plain, dim: plain, red: plain, green: plain, yellow: plain, blue: plain, cyan: plain };
  return {
    enabled,
    bold: code(1, 22),
    dim: code(2, 22),
    red: code(31, 39),
    green: code(32, 39),
    yellow: code(33, 39),
    blue: code(34, 39),
    cyan: code(36, 39),
  };
}

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Columns `text` takes in a terminal (wide CJK and emoji count 2, combining marks 0). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of stripAnsi(text)) width += charWidth(ch);
  return width;
}

/** `text` on one line, cut to `max` columns with an ellipsis. */
export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (displayWidth(flat) <= max) return flat;
  let out = '';
  let width = 0;
  for (const ch of flat) {
    const w = charWidth(ch);
    if (width + w > max - 1) break;
    out += ch;
    width += w;
  }
  return `${out}…`;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}

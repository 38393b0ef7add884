import { describe, expect, it } from 'vitest';
import { formatBytes } from '@ottr/sdk/node';
import { Progress, renderBar } from './progress.js';
import { table } from './table.js';
import { displayWidth, style, truncate } from './text.js';
import { relativeTime } from './time.js';

describe('relativeTime', () => {
  const now = Date.UTC(2025, 10, 26, 12, 0, 0);
  it.each([
    [now - 3_000, 'just now'],
    [now - 42_000, '42 s ago'],
    [now - 2 * 60_000, '2 min ago'],
    [now - 3 * 3_600_000 - 5, '3 h ago'],
    [now - 30 * 3_600_000, 'yesterday'],
    [now - 4 * 86_400_000, '4 days ago'],
    [now + 20_000, 'just now'],
    [now + 5 * 60_000, 'in 5 min'],
  ])('%i → %s', (at, text) => {
    expect(relativeTime(at, now)).toBe(text);
  });
  it('shows the date after a week', () => {
    expect(relativeTime(now - 10 * 86_400_000, now)).toMatch(/^2025-11-1[56]$/);
  });
});

describe('table', () => {
  it('aligns columns by display width, right-aligns numbers, trims trailing spaces', () => {
    const out = table(
      [{ header: 'NAME' }, { header: 'UNREAD', align: 'right' }, { header: 'LAST' }],
      [
        ['Ada', '3', 'hi'],
        ['日本', '12', ''],
        ['🙂x', '0', 'yo'],
      ],
    );
    expect(out).toBe(['NAME  UNREAD  LAST', 'Ada        3  hi', '日本      12', '🙂x        0  yo', ''].join('\n'));
  });
});

describe('text', () => {
  it('measures wide characters and ignores colour codes', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('\u001b[31mred\u001b[39m')).toBe(3);
    expect(displayWidth('é')).toBe(1);
  });
  it('truncates to a width with an ellipsis, on one line', () => {
    expect(truncate('hello\nworld', 20)).toBe('hello world');
    expect(truncate('hello world', 8)).toBe('hello w…');
    expect(displayWidth(truncate('日本語のテキスト', 7))).toBeLessThanOrEqual(7);
  });
  it('colours only a TTY without NO_COLOR', () => {
    expect(style(true, {}).red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(style(true, { NO_COLOR: '1' }).red('x')).toBe('x');
    expect(style(false, {}).red('x')).toBe('x');
  });
});

describe('progress bar', () => {
  it('renders a bar with a known total, a counter without', () => {
    expect(renderBar('history', 50, 200, 8)).toBe('history [##------]  25% 50/200');
    expect(renderBar('accounts', 300, undefined)).toBe('accounts 300');
  });
});

describe('Progress', () => {
  it('draws on stderr only when enabled, and erases its line when done', () => {
    let drawn = '';
    const bar = new Progress((t) => (drawn += t), 'bar', 'history', 10);
    bar.update(10);
    bar.done();
    expect(drawn).toBe('\r\u001b[2Khistory [########################] 100% 10/10\r\u001b[2K');
    let silent = '';
    const off = new Progress((t) => (silent += t), 'off', 'history', 10);
    off.update(5);
    off.done();
    expect(silent).toBe('');
  });

  it('off a terminal, for transfers: one line per quarter reached; bytes in words on the bar', () => {
    let lines = '';
    const log = new Progress((t) => (lines += t), 'lines', 'uploading a.png');
    for (const n of [0, 10, 30, 49, 50, 99, 100]) log.update(n, 100);
    log.done();
    expect(lines).toBe('uploading a.png 0%\nuploading a.png 25%\nuploading a.png 50%\nuploading a.png 75%\nuploading a.png 100%\n');
    expect(renderBar('up', 1536, 3 * 1024 * 1024, 4, formatBytes)).toBe('up [----]   0% 1.5 KB/3 MB');
  });
});

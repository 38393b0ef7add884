import { describe, expect, it } from 'vitest';
import { dateTime, listTime } from './time.js';

// Thursday 26 November 2026, 15:30 in London (UTC in winter).
const now = Date.UTC(2026, 10, 26, 15, 30);
const opts = { locale: 'en-GB', timeZone: 'Europe/London' };

describe('listTime', () => {
  it('shows the time for today', () => {
    expect(listTime(Date.UTC(2026, 10, 26, 9, 5), now, opts)).toBe('09:05');
    expect(listTime(Date.UTC(2026, 10, 26, 0, 1), now, opts)).toBe('00:01');
  });

  it('shows the weekday within the last week', () => {
    expect(listTime(Date.UTC(2026, 10, 25, 23, 59), now, opts)).toBe('Wed');
    expect(listTime(Date.UTC(2026, 10, 20, 12), now, opts)).toBe('Fri');
  });

  it('shows the date from a week back', () => {
    expect(listTime(Date.UTC(2026, 10, 19, 12), now, opts)).toBe('19/11/2026');
    expect(listTime(Date.UTC(2026, 10, 19, 12), now, { locale: 'en-US', timeZone: 'Europe/London' })).toBe('11/19/26');
  });

  it('decides "today" in the given time zone', () => {
    // Now is already 00:30 on Friday the 27th in Tokyo: 14:00 UTC was yesterday there, today in London.
    const tokyo = { locale: 'en-GB', timeZone: 'Asia/Tokyo' };
    expect(listTime(Date.UTC(2026, 10, 26, 14, 0), now, tokyo)).toBe('Thu');
    expect(listTime(Date.UTC(2026, 10, 26, 14, 0), now, opts)).toBe('14:00');
  });
});

describe('dateTime', () => {
  it('says today, yesterday or the date, with the time', () => {
    expect(dateTime(Date.UTC(2026, 10, 26, 14, 5), now, opts)).toBe('today, 14:05');
    expect(dateTime(Date.UTC(2026, 10, 25, 8, 0), now, opts)).toBe('yesterday, 08:00');
    expect(dateTime(Date.UTC(2026, 2, 3, 9, 12), now, opts)).toBe('3 Mar 2026, 09:12');
  });
});

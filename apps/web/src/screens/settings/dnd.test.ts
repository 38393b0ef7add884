import { describe, expect, it } from 'vitest';
import { describeDnd, isClockTime } from './dnd.js';

describe('do-not-disturb hours', () => {
  it('accepts only 24-hour HH:MM, what the server takes', () => {
    expect(['00:00', '07:05', '23:59'].map(isClockTime)).toEqual([true, true, true]);
    expect(['24:00', '7:05', '12:60', '', '12:00:00'].map(isClockTime)).toEqual([false, false, false, false, false]);
  });

  it('says when the hours run into the next day, and in which time zone', () => {
    expect(describeDnd({ from: '22:00', to: '07:00', timeZone: 'Europe/Paris' }, 'Europe/Paris')).toBe('Notifications arrive silently from 22:00 to 07:00 the next day (Europe/Paris time)');
    expect(describeDnd({ from: '12:00', to: '14:00', timeZone: 'Europe/Paris' }, 'Europe/Paris')).toBe('Notifications arrive silently from 12:00 to 14:00 (Europe/Paris time)');
    expect(describeDnd({ from: '12:00', to: '14:00', timeZone: 'Asia/Tokyo' }, 'Europe/Paris')).toBe(
      'Notifications arrive silently from 12:00 to 14:00 (Asia/Tokyo time; this browser is on Europe/Paris time)',
    );
  });
});

import type { Dnd } from '@ottr/sdk/browser';

/** The hours do-not-disturb starts with when turned on. */
export const DEFAULT_DND = { from: '22:00', to: '07:00' } as const;

/** Whether a time input's value is the protocol's HH:MM (24-hour). */
export function isClockTime(value: string): boolean {
  return /^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(value);
}

/** The hours in words: "Notifications arrive silently from 22:00 to 07:00 the next day (Europe/Paris time)". */
export function describeDnd(dnd: Dnd, browserTimeZone: string): string {
  const span = dnd.from === dnd.to ? `all day from ${dnd.from}` : `from ${dnd.from} to ${dnd.to}${dnd.to < dnd.from ? ' the next day' : ''}`;
  const zone = dnd.timeZone === browserTimeZone ? `${dnd.timeZone} time` : `${dnd.timeZone} time; this browser is on ${browserTimeZone} time`;
  return `Notifications arrive silently ${span} (${zone})`;
}

import { MUTE_FOREVER } from '@ottr/sdk/browser';

/** How long "Mute" lasts: 8 hours, a week, or for good. */
export const MUTE_CHOICES = [
  { id: '8h', label: '8 hours', ms: 8 * 3_600_000 },
  { id: '1w', label: '1 week', ms: 7 * 86_400_000 },
  { id: 'always', label: 'Always', ms: null },
] as const;

export type MuteChoice = (typeof MUTE_CHOICES)[number]['id'];

/** The muteUntil (ms epoch) a choice means from `now`. */
export function muteUntil(choice: MuteChoice, now: number): number {
  const c = MUTE_CHOICES.find((x) => x.id === choice)!;
  return c.ms === null ? MUTE_FOREVER : now + c.ms;
}

/** Whether a membership's muteUntil mutes it at `now`. */
export function isMuted(until: number | null, now: number): boolean {
  return until !== null && until > now;
}

/** Whether a mute lasts for good (no end worth showing). */
export function mutedForever(until: number): boolean {
  return until >= MUTE_FOREVER - 86_400_000;
}

import { describe, expect, it } from 'vitest';
import { MUTE_FOREVER } from '@ottr/sdk/browser';
import { isMuted, muteUntil, mutedForever } from './mute.js';

const now = Date.UTC(2026, 10, 26, 12);

describe('mute', () => {
  it('turns a choice into an end time', () => {
    expect(muteUntil('8h', now)).toBe(now + 8 * 3_600_000);
    expect(muteUntil('1w', now)).toBe(now + 7 * 86_400_000);
    expect(muteUntil('always', now)).toBe(MUTE_FOREVER);
    expect(mutedForever(muteUntil('always', now))).toBe(true);
    expect(mutedForever(muteUntil('1w', now))).toBe(false);
  });

  it('is muted only until the end time', () => {
    expect(isMuted(null, now)).toBe(false);
    expect(isMuted(now + 1, now)).toBe(true);
    expect(isMuted(now - 1, now)).toBe(false);
  });
});

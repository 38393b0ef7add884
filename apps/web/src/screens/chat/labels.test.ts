import { describe, expect, it } from 'vitest';
import type { AccountId } from '@ottr/sdk/browser';
import { memberCountText, presenceText, statusLabel, timeText, typingText } from './labels.js';

const NOW = new Date(2026, 10, 26, 15, 0).getTime();
const A = 'acc_a' as AccountId;

describe('statusLabel', () => {
  it('names every status exactly as the accessible-name contract says', () => {
    expect((['pending', 'sent', 'delivered', 'read', 'failed'] as const).map(statusLabel)).toEqual(['Pending', 'Sent', 'Delivered', 'Read', 'Failed']);
  });
});

describe('typingText', () => {
  it('says typing… in a direct chat and names people in groups', () => {
    expect(typingText('direct', ['Ann'])).toBe('typing…');
    expect(typingText('group', ['Ann'])).toBe('Ann is typing…');
    expect(typingText('group', ['Ann', 'Bob'])).toBe('Ann and Bob are typing…');
    expect(typingText('group', ['Ann', 'Bob', 'Cy'])).toBe('Ann and 2 others are typing…');
    expect(typingText('group', [])).toBeNull();
  });
});

describe('presenceText', () => {
  it('shows online, last seen today/yesterday with the time, an older date, nothing when hidden', () => {
    expect(presenceText({ accountId: A, online: true, lastSeenAt: null }, NOW, 'en-GB')).toBe('online');
    expect(presenceText({ accountId: A, online: false, lastSeenAt: new Date(2026, 10, 26, 14, 5).getTime() }, NOW, 'en-GB')).toBe('last seen today at 14:05');
    expect(presenceText({ accountId: A, online: false, lastSeenAt: new Date(2026, 10, 25, 9, 7).getTime() }, NOW, 'en-GB')).toBe('last seen yesterday at 09:07');
    expect(presenceText({ accountId: A, online: false, lastSeenAt: new Date(2026, 9, 1, 9, 7).getTime() }, NOW, 'en-GB')).toBe('last seen 1 October');
    expect(presenceText({ accountId: A, online: false, lastSeenAt: null }, NOW)).toBeNull();
    expect(presenceText(undefined, NOW)).toBeNull();
  });
});

describe('memberCountText', () => {
  it('counts members and subscribers', () => {
    expect(memberCountText('group', 3)).toBe('3 members');
    expect(memberCountText('group', 1)).toBe('1 member');
    expect(memberCountText('channel', 12)).toBe('12 subscribers');
  });
});

describe('timeText', () => {
  const at = Date.UTC(2026, 10, 26, 21, 5);
  it('follows the locale’s clock, like the chats list', () => {
    expect(timeText(at, 'en-GB').replace(/\s/g, ' ')).toMatch(/^\d\d:05$/);
    expect(timeText(at, 'en-US').replace(/\s/g, ' ')).toMatch(/^\d\d:05 (AM|PM)$/);
  });
});

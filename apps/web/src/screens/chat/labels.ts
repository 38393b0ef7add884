import type { ConversationKind, MessageStatus, Presence } from '@ottr/sdk/browser';
import { dayLabel } from './rows.js';

/** The accessible name of an own message's status mark. */
export function statusLabel(status: MessageStatus): 'Pending' | 'Sent' | 'Delivered' | 'Read' | 'Failed' {
  switch (status) {
    case 'pending':
      return 'Pending';
    case 'sent':
      return 'Sent';
    case 'delivered':
      return 'Delivered';
    case 'read':
      return 'Read';
    case 'failed':
      return 'Failed';
  }
}

/** The header's typing line: "typing…" in a direct chat, else who is typing; null when nobody is. */
export function typingText(kind: ConversationKind, names: readonly string[]): string | null {
  if (names.length === 0) return null;
  if (kind === 'direct') return 'typing…';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  const others = names.length - 1;
  return `${names[0]} and ${others} others are typing…`;
}

/** A message time in the reader's locale (14:05, 2:05 PM), as the chats list shows times of today. */
export function timeText(at: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(at);
}

/** "online", "last seen today at 14:05", "last seen yesterday at …", "last seen <date>"; null when hidden or unknown. */
export function presenceText(presence: Presence | undefined, now: number, locale?: string): string | null {
  if (!presence) return null;
  if (presence.online) return 'online';
  if (presence.lastSeenAt === null) return null;
  const day = dayLabel(presence.lastSeenAt, now, locale);
  const time = timeText(presence.lastSeenAt, locale);
  if (day === 'Today' || day === 'Yesterday') return `last seen ${day.toLowerCase()} at ${time}`;
  return `last seen ${day}`;
}

/** "<n> members" / "<n> subscribers" (channels). */
export function memberCountText(kind: ConversationKind, count: number): string {
  const noun = kind === 'channel' ? 'subscriber' : 'member';
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}


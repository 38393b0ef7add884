import type { AccountId, Content, ConversationId, Dnd, PushPayload, PushPrivacy } from '@ottr/protocol';

/** What a notification is about: the newest unread message of a conversation and how many there are. */
export interface NotificationFacts {
  conversationId: ConversationId;
  /** Direct chats are titled with the sender; groups and channels with their title. */
  direct: boolean;
  conversationTitle: string | null;
  seq: number;
  senderId: AccountId;
  senderName: string;
  content: Content;
  /** Unread messages in the conversation (the newest included). */
  count: number;
  /** Unread messages of the account in all conversations. */
  badge: number;
  /** The newest message mentions the recipient. */
  mention: boolean;
  /** The recipient is in their do-not-disturb hours: deliver without sound. */
  quiet: boolean;
}

/** The name of the product in notifications that say nothing else. */
export const APP_NAME = 'ottr';

/**
 * The notification text at a privacy level: `full` says who and what, `sender` who, `none`
 * only that there is something. Size limits are applied later, by each provider.
 */
export function messagePayload(f: NotificationFacts, privacy: PushPrivacy): PushPayload {
  const base = { type: 'message' as const, conversationId: f.conversationId, seq: f.seq, count: f.count, badge: f.badge, ...(f.quiet && { quiet: true }) };
  if (privacy === 'none') {
    return { ...base, title: APP_NAME, body: f.count > 1 ? `${f.count} new messages` : 'New message' };
  }
  const where = f.direct ? f.senderName : (f.conversationTitle ?? f.senderName);
  const title = f.count > 1 ? `${where} (${f.count} messages)` : where;
  const said = privacy === 'full' ? preview(f.content) : f.mention ? 'Mentioned you' : 'New message';
  const body = f.direct ? said : `${f.senderName}: ${said}`;
  return { ...base, title, body, senderId: f.senderId, ...(f.mention && { mention: true }) };
}

/** One line saying what a message is, for a notification. */
export function preview(content: Content): string {
  const withCaption = (label: string, caption: string | undefined) => (caption ? `${label} ${caption}` : label);
  switch (content.kind) {
    case 'text':
      return content.text.replace(/\s+/g, ' ').trim();
    case 'image':
      return withCaption('📷', content.caption ?? 'Photo');
    case 'video':
      return withCaption('🎥', content.caption ?? 'Video');
    case 'audio':
      return withCaption('🎵', content.caption ?? content.media?.name ?? 'Audio');
    case 'voice':
      return content.media?.durationMs !== undefined ? `🎤 Voice message (${clock(content.media.durationMs)})` : '🎤 Voice message';
    case 'file':
      return withCaption('📄', content.caption ?? content.media?.name ?? 'File');
    case 'sticker':
      return 'Sticker';
    case 'location':
      return `📍 ${content.name ?? 'Location'}`;
    case 'contact':
      return `👤 ${content.name}`;
  }
}

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Whether `content` mentions `accountId`. */
export function mentions(content: Content, accountId: AccountId): boolean {
  return content.kind === 'text' && (content.mentions ?? []).some((m) => m.accountId === accountId);
}

/** Whether `now` falls in the do-not-disturb hours (`from` inclusive, `to` exclusive; may span midnight). */
export function inDnd(dnd: Dnd | null, now: number): boolean {
  if (dnd === null || dnd.from === dnd.to) return false;
  const minute = minuteOfDay(now, dnd.timeZone);
  const from = toMinutes(dnd.from);
  const to = toMinutes(dnd.to);
  return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

function minuteOfDay(now: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/** Whether an IANA time zone name is known to this runtime. */
export function validTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

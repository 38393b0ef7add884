import { describe, expect, it } from 'vitest';
import type { AccountId, ConversationId, Content } from '@ottr/protocol';
import { inDnd, mentions, messagePayload, preview, validTimeZone, type NotificationFacts } from './payload.js';

const alice = 'acc_01HZALICE0000000000000000' as AccountId;
const bob = 'acc_01HZBOB000000000000000000' as AccountId;
const facts = (over: Partial<NotificationFacts> = {}): NotificationFacts => ({
  conversationId: 'cnv_01HZCONV00000000000000000' as ConversationId,
  direct: true,
  conversationTitle: null,
  seq: 7,
  senderId: alice,
  senderName: 'Alice',
  content: { kind: 'text', text: 'Lunch at noon?' },
  count: 1,
  badge: 3,
  mention: false,
  quiet: false,
  ...over,
});

describe('messagePayload', () => {
  it('full: the sender and the text, in a direct chat', () => {
    expect(messagePayload(facts(), 'full')).toEqual({
      type: 'message', conversationId: facts().conversationId, seq: 7, count: 1, badge: 3, title: 'Alice', body: 'Lunch at noon?', senderId: alice,
    });
  });

  it('full in a group: titled with the group, the body names the sender; several unread say how many', () => {
    const p = messagePayload(facts({ direct: false, conversationTitle: 'Climbing', count: 4, mention: true }), 'full');
    expect(p).toMatchObject({ title: 'Climbing (4 messages)', body: 'Alice: Lunch at noon?', mention: true, count: 4 });
  });

  it('sender: who, never what', () => {
    const p = messagePayload(facts({ content: { kind: 'text', text: 'the secret plan' } }), 'sender');
    expect(p).toMatchObject({ title: 'Alice', body: 'New message', senderId: alice });
    expect(JSON.stringify(p)).not.toContain('secret');
    expect(messagePayload(facts({ direct: false, conversationTitle: 'G', mention: true }), 'sender')).toMatchObject({ body: 'Alice: Mentioned you' });
  });

  it('quiet (do-not-disturb hours) at every privacy level; never there otherwise', () => {
    for (const privacy of ['full', 'sender', 'none'] as const) {
      expect(messagePayload(facts({ quiet: true }), privacy)).toMatchObject({ quiet: true });
      expect(messagePayload(facts(), privacy)).not.toHaveProperty('quiet');
    }
  });

  it('none: neither who nor what', () => {
    const p = messagePayload(facts({ count: 2, content: { kind: 'text', text: 'the secret plan' } }), 'none');
    expect(p).toEqual({ type: 'message', conversationId: facts().conversationId, seq: 7, count: 2, badge: 3, title: 'ottr', body: '2 new messages' });
    expect(messagePayload(facts(), 'none')).toMatchObject({ body: 'New message' });
  });
});

describe('preview', () => {
  const media = { mediaId: 'med_01HZMEDIA0000000000000000', media: { mime: 'x', size: 1 } } as const;
  it.each<[Content, string]>([
    [{ kind: 'text', text: '  two\n\nlines ' }, 'two lines'],
    [{ kind: 'image', ...media } as Content, '📷 Photo'],
    [{ kind: 'image', ...media, caption: 'Sunset' } as Content, '📷 Sunset'],
    [{ kind: 'video', ...media } as Content, '🎥 Video'],
    [{ kind: 'audio', mediaId: media.mediaId, media: { mime: 'audio/mpeg', size: 1, name: 'song.mp3' } } as Content, '🎵 song.mp3'],
    [{ kind: 'voice', mediaId: media.mediaId, media: { mime: 'audio/ogg', size: 1, durationMs: 75_400 } } as Content, '🎤 Voice message (1:15)'],
    [{ kind: 'file', mediaId: media.mediaId, media: { mime: 'application/pdf', size: 1, name: 'plan.pdf' } } as Content, '📄 plan.pdf'],
    [{ kind: 'sticker', ...media } as Content, 'Sticker'],
    [{ kind: 'location', lat: 1, lng: 2, name: 'Café' }, '📍 Café'],
    [{ kind: 'contact', name: 'Dr. Who' }, '👤 Dr. Who'],
  ])('%j → %s', (content, text) => {
    expect(preview(content)).toBe(text);
  });
});

describe('mentions', () => {
  it('is true only for a text that mentions the account', () => {
    const content: Content = { kind: 'text', text: '@Bob hi', mentions: [{ accountId: bob, offset: 0, length: 4 }] };
    expect(mentions(content, bob)).toBe(true);
    expect(mentions(content, alice)).toBe(false);
    expect(mentions({ kind: 'text', text: 'hi' }, bob)).toBe(false);
  });
});

describe('inDnd', () => {
  // 2026-01-15 is winter: Europe/Paris is UTC+1.
  const at = (hhmmUtc: string) => Date.parse(`2026-01-15T${hhmmUtc}:00Z`);
  it('within hours of one day, in the account time zone', () => {
    const dnd = { from: '13:00', to: '14:00', timeZone: 'Europe/Paris' };
    expect(inDnd(dnd, at('12:30'))).toBe(true); // 13:30 in Paris
    expect(inDnd(dnd, at('11:59'))).toBe(false); // 12:59
    expect(inDnd(dnd, at('13:00'))).toBe(false); // 14:00: the end is not included
  });

  it('across midnight', () => {
    const dnd = { from: '22:00', to: '07:00', timeZone: 'UTC' };
    expect(inDnd(dnd, at('23:30'))).toBe(true);
    expect(inDnd(dnd, at('03:00'))).toBe(true);
    expect(inDnd(dnd, at('07:00'))).toBe(false);
    expect(inDnd(dnd, at('12:00'))).toBe(false);
  });

  it('off when null or empty', () => {
    expect(inDnd(null, at('03:00'))).toBe(false);
    expect(inDnd({ from: '08:00', to: '08:00', timeZone: 'UTC' }, at('08:00'))).toBe(false);
  });

  it('knows time zones', () => {
    expect(validTimeZone('America/New_York')).toBe(true);
    expect(validTimeZone('Mars/Olympus')).toBe(false);
  });
});

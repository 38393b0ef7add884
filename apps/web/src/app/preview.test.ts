import { describe, expect, it } from 'vitest';
import type { AccountId, Content, ConversationEvent, ConversationId, EventId, MessageId } from '@ottr/sdk/browser';
import { contentText, previewText, type PreviewContext } from './preview.js';

const me = 'acc_me' as AccountId;
const ann = 'acc_ann' as AccountId;
const bob = 'acc_bob' as AccountId;
const names: Record<string, string> = { acc_ann: 'Ann', acc_bob: 'Bob' };
const group: PreviewContext = { me, kind: 'group', name: (id) => names[id] ?? 'Someone' };
const direct: PreviewContext = { ...group, kind: 'direct' };

const base = { id: 'evt_1' as EventId, conversationId: 'cnv_1' as ConversationId, seq: 5, at: 1 };
function message(sender: AccountId, content: Extract<ConversationEvent, { type: 'message' }>['content'], extra = {}): ConversationEvent {
  return { ...base, type: 'message', sender, clientMsgId: 'c1', content, ...extra };
}
const mid = 'msg_1' as MessageId;

describe('previewText', () => {
  it('prefixes your own messages with "You:" and other people’s only in groups', () => {
    expect(previewText(message(me, { kind: 'text', text: 'hi\nthere' }), direct)).toBe('You: hi there');
    expect(previewText(message(ann, { kind: 'text', text: 'hello' }), direct)).toBe('hello');
    expect(previewText(message(ann, { kind: 'text', text: 'hello' }), group)).toBe('Ann: hello');
    expect(previewText(message(ann, { kind: 'text', text: 'news' }), { ...group, kind: 'channel' })).toBe('news');
  });

  it('names every content kind in words', () => {
    const mediaId = 'med_1';
    // (The protocol's static type marks caption as required on media kinds; on the wire it is optional.)
    const text = (c: object) => contentText(c as Content);
    expect(text({ kind: 'image', mediaId })).toBe('Photo');
    expect(text({ kind: 'image', mediaId, caption: 'Beach' })).toBe('Photo: Beach');
    expect(text({ kind: 'video', mediaId })).toBe('Video');
    expect(text({ kind: 'audio', mediaId })).toBe('Audio');
    expect(text({ kind: 'voice', mediaId })).toBe('Voice message');
    expect(text({ kind: 'file', mediaId, media: { mime: 'application/pdf', size: 3, name: 'a.pdf' } })).toBe('File: a.pdf');
    expect(text({ kind: 'file', mediaId })).toBe('File');
    expect(text({ kind: 'sticker', mediaId })).toBe('Sticker');
    expect(contentText({ kind: 'location', lat: 1, lng: 2 })).toBe('Location');
    expect(contentText({ kind: 'location', lat: 1, lng: 2, name: 'Café' })).toBe('Location: Café');
    expect(contentText({ kind: 'contact', name: 'Zoe' })).toBe('Contact: Zoe');
  });

  it('shows deleted messages, edits and reactions', () => {
    expect(previewText(message(ann, null, { deletedAt: 2 }), group)).toBe('This message was deleted');
    expect(previewText({ ...base, type: 'delete', sender: ann, messageId: mid }, group)).toBe('This message was deleted');
    expect(previewText({ ...base, type: 'edit', sender: me, messageId: mid, content: { kind: 'text', text: 'fixed' } }, group)).toBe('You: fixed');
    expect(previewText({ ...base, type: 'reaction', sender: bob, messageId: mid, emoji: '👍', action: 'add' }, group)).toBe('Bob reacted 👍');
    expect(previewText({ ...base, type: 'reaction', sender: me, messageId: mid, emoji: '👍', action: 'remove' }, group)).toBe('You removed a reaction');
  });

  it('puts system events in words', () => {
    const sys = (e: object) => previewText({ ...base, sender: ann, ...e } as ConversationEvent, group);
    expect(sys({ type: 'conversation_created', kind: 'group', title: 'Climbing' })).toBe('Ann created the group “Climbing”');
    expect(sys({ type: 'conversation_created', kind: 'channel' })).toBe('Ann created the channel');
    expect(sys({ type: 'conversation_created', kind: 'direct' })).toBe('Ann started the chat');
    expect(sys({ type: 'member_added', accountId: me, role: 'member' })).toBe('Ann added you');
    expect(sys({ type: 'member_joined', accountId: bob, role: 'member' })).toBe('Bob joined');
    expect(sys({ type: 'member_left', accountId: me })).toBe('You left');
    expect(sys({ type: 'member_removed', accountId: bob })).toBe('Ann removed Bob');
    expect(sys({ type: 'role_changed', accountId: bob, role: 'admin' })).toBe('Ann made Bob an admin');
    expect(sys({ type: 'role_changed', accountId: me, role: 'member' })).toBe('You are no longer an admin');
    expect(sys({ type: 'role_changed', accountId: bob, role: 'owner' })).toBe('Bob is now the owner');
    expect(sys({ type: 'title_changed', title: 'Hikes' })).toBe('Ann changed the name to “Hikes”');
    expect(sys({ type: 'description_changed', description: 'Sundays' })).toBe('Ann changed the description');
    expect(sys({ type: 'description_changed', description: '' })).toBe('Ann removed the description');
  });

  it('is empty without a last event', () => {
    expect(previewText(null, group)).toBe('');
  });
});

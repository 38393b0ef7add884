import { describe, expect, it } from 'vitest';
import type { AccountId, ConversationId, ConversationListItem, Profile } from '@ottr/sdk/browser';
import { peerOf, titleOf } from './titles.js';

const me = 'acc_me' as AccountId;
const ann = 'acc_ann' as AccountId;
const known: Record<string, Profile> = {
  acc_ann: { id: ann, displayName: 'Ann', about: '', avatar: null, deleted: false },
  acc_gone: { id: 'acc_gone' as AccountId, displayName: '', about: '', avatar: null, deleted: true },
};
const profiles = { get: (id: AccountId) => known[id] ?? null };

function item(kind: 'direct' | 'group' | 'channel', extra: { title?: string | null; participants?: string[] } = {}): ConversationListItem {
  return {
    conversation: { id: 'cnv_1' as ConversationId, kind, title: extra.title ?? null, description: null, participants: (extra.participants ?? []) as AccountId[], createdAt: 0, lastSeq: 0, lastEventAt: 0, memberCount: 2 },
    membership: { conversationId: 'cnv_1' as ConversationId, accountId: me, role: 'member', status: 'active', joinedSeq: 0, readSeq: 0, deliveredSeq: 0, muteUntil: null, archived: false, pinned: false },
    unreadCount: 0,
    lastEvent: null,
  };
}

describe('titleOf', () => {
  it('names a direct chat by the other person, a chat with yourself "You"', () => {
    expect(titleOf(item('direct', { participants: [ann, me] }), me, profiles)).toBe('Ann');
    expect(peerOf(item('direct', { participants: [me, ann] }), me)).toBe(ann);
    expect(titleOf(item('direct', { participants: [me] }), me, profiles)).toBe('You');
    expect(titleOf(item('direct', { participants: ['acc_gone', me] }), me, profiles)).toBe('Deleted account');
    expect(titleOf(item('direct', { participants: ['acc_new', me] }), me, profiles)).toBe('Someone');
  });

  it('uses a group’s or channel’s title, with a fallback when blank', () => {
    expect(titleOf(item('group', { title: 'Climbers' }), me, profiles)).toBe('Climbers');
    expect(titleOf(item('group', { title: '  ' }), me, profiles)).toBe('Untitled group');
    expect(titleOf(item('channel'), me, profiles)).toBe('Untitled channel');
    expect(peerOf(item('group', { title: 'x' }), me)).toBeNull();
  });
});

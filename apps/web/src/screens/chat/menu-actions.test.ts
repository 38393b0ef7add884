import { describe, expect, it } from 'vitest';
import type { AccountId, ConversationId, LocalMessage, MessageId } from '@ottr/sdk/browser';
import { menuActions } from './menu-actions.js';

function msg(over: Partial<LocalMessage> = {}): LocalMessage {
  return {
    conversationId: 'cnv_1' as ConversationId,
    clientMsgId: 'c1',
    id: 'msg_1' as MessageId,
    seq: 5,
    sender: 'acc_a' as AccountId,
    at: 0,
    content: { kind: 'text', text: 'hi' },
    reactions: [],
    status: 'sent',
    ...over,
  };
}

describe('menuActions', () => {
  it('offers edit and delete on your own sent text, not on others', () => {
    expect(menuActions(msg(), true, false)).toEqual(['reply', 'forward', 'copy', 'edit', 'delete']);
    expect(menuActions(msg({ status: null }), false, false)).toEqual(['reply', 'forward', 'copy']);
  });

  it('lets group admins delete other people’s messages', () => {
    expect(menuActions(msg({ status: null }), false, true)).toContain('delete');
  });

  it('offers only retry/discard (and copy) before the server has the message', () => {
    expect(menuActions(msg({ id: null, seq: null, status: 'failed' }), true, false)).toEqual(['retry', 'discard', 'copy']);
    expect(menuActions(msg({ id: null, seq: null, status: 'pending' }), true, false)).toEqual(['copy', 'discard']);
  });

  it('offers nothing on a deleted message', () => {
    expect(menuActions(msg({ content: null, deletedAt: 1, status: null }), false, false)).toEqual([]);
    expect(menuActions(msg({ content: null, deletedAt: 1 }), true, true)).toEqual([]);
  });

  it('does not offer Edit for non-text content', () => {
    expect(menuActions(msg({ content: { kind: 'location', lat: 1, lng: 2 } }), true, false)).toEqual(['reply', 'forward', 'delete']);
  });
});

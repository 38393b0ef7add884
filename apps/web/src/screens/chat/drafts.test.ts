import { describe, expect, it } from 'vitest';
import type { AccountId, ConversationId } from '@ottr/sdk/browser';
import { draftKey, loadDraft, saveDraft, sendProblem } from './drafts.js';

function memoryStorage() {
  const map = new Map<string, string>();
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), removeItem: (k: string) => void map.delete(k), map };
}

describe('drafts', () => {
  it('keeps a draft per account and conversation and removes it when emptied', () => {
    const s = memoryStorage();
    const k1 = draftKey('acc_a' as AccountId, 'cnv_1' as ConversationId);
    const k2 = draftKey('acc_b' as AccountId, 'cnv_1' as ConversationId);
    expect(k1).not.toBe(k2);
    saveDraft(s, k1, 'half a thought');
    expect(loadDraft(s, k1)).toBe('half a thought');
    expect(loadDraft(s, k2)).toBe('');
    saveDraft(s, k1, '   ');
    expect(s.map.has(k1)).toBe(false);
  });

  it('survives a storage that throws', () => {
    const broken = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('full'); }, removeItem: () => undefined };
    expect(loadDraft(broken, 'k')).toBe('');
    expect(() => saveDraft(broken, 'k', 'x')).not.toThrow();
  });
});

describe('sendProblem', () => {
  it('refuses empty text and text over the byte limit (counted in UTF-8)', () => {
    expect(sendProblem(' \n ', 100)).toBe('empty');
    expect(sendProblem('hello', 100)).toBeNull();
    expect(sendProblem('é'.repeat(60), 100)).toMatch(/too long/);
    expect(sendProblem('e'.repeat(100), 100)).toBeNull();
  });
});

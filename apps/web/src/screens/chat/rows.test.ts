import { describe, expect, it } from 'vitest';
import type { AccountId, ConversationId, LocalMessage, MessageId, SystemEvent } from '@ottr/sdk/browser';
import { buildRows, dayLabel, mergeTimeline, type Row } from './rows.js';

const A = 'acc_a' as AccountId;
const B = 'acc_b' as AccountId;
const cid = 'cnv_1' as ConversationId;
const NOW = new Date(2026, 10, 26, 15, 0).getTime(); // Thursday 26 November 2026, local time

function msg(seq: number | null, sender: AccountId, at: number, clientMsgId = `c${seq ?? 'p' + at}`): LocalMessage {
  return { conversationId: cid, clientMsgId, id: seq === null ? null : (`msg_${seq}` as MessageId), seq, sender, at, content: { kind: 'text', text: `m${seq}` }, reactions: [], status: sender === A ? 'sent' : null };
}

function sys(seq: number, at: number): SystemEvent {
  return { id: `evt_${seq}`, conversationId: cid, seq, at, sender: B, type: 'member_joined', accountId: B, role: 'member' } as SystemEvent;
}

const shape = (rows: Row[]) =>
  rows.map((r) => (r.type === 'message' ? `m${r.message.seq ?? 'p'}${r.firstOfGroup ? 'F' : ''}${r.lastOfGroup ? 'L' : ''}` : r.type === 'date' ? `[${r.label}]` : r.type === 'system' ? `s${r.event.seq}` : r.type === 'top' ? `top:${r.state}` : 'unread'));

describe('dayLabel', () => {
  it('says Today, Yesterday, the weekday within a week, else the date', () => {
    expect(dayLabel(new Date(2026, 10, 26, 0, 5).getTime(), NOW, 'en-GB')).toBe('Today');
    expect(dayLabel(new Date(2026, 10, 25, 23, 59).getTime(), NOW, 'en-GB')).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 10, 23, 12).getTime(), NOW, 'en-GB')).toBe('Monday');
    expect(dayLabel(new Date(2026, 10, 19, 12).getTime(), NOW, 'en-GB')).toBe('19 November');
    expect(dayLabel(new Date(2025, 10, 26, 12).getTime(), NOW, 'en-GB')).toBe('26 November 2025');
  });
});

describe('mergeTimeline', () => {
  it('orders by seq, dedupes older pages against the cache, keeps pending last', () => {
    const older = [msg(1, A, 1), msg(2, B, 2)];
    const cached = [msg(2, B, 2), msg(4, A, 4), msg(null, A, 5)];
    const items = mergeTimeline(older, cached, [sys(3, 3)]);
    expect(items.map((i) => (i.kind === 'message' ? i.message.seq : `s${i.event.seq}`))).toEqual([1, 2, 's3', 4, null]);
  });
});

describe('buildRows', () => {
  const t = (h: number, m: number, day = 26) => new Date(2026, 10, day, h, m).getTime();

  it('adds a separator per day and groups consecutive messages of one sender', () => {
    const items = mergeTimeline([], [msg(1, A, t(9, 0, 25)), msg(2, A, t(9, 1)), msg(3, A, t(9, 2)), msg(4, B, t(9, 3)), msg(5, B, t(9, 30))], []);
    expect(shape(buildRows(items, { me: A, readSeq: null, now: NOW, top: 'start', locale: 'en-GB' }))).toEqual([
      'top:start',
      '[Yesterday]',
      'm1FL',
      '[Today]',
      'm2F',
      'm3L',
      'm4FL',
      'm5FL',
    ]);
  });

  it('puts the unread marker above the first unread message of someone else and breaks the group there', () => {
    const items = mergeTimeline([], [msg(1, B, t(9, 0)), msg(2, A, t(9, 1)), msg(3, B, t(9, 2)), msg(4, B, t(9, 3))], []);
    expect(shape(buildRows(items, { me: A, readSeq: 1, now: NOW, top: null }))).toEqual(['[Today]', 'm1FL', 'm2FL', 'unread', 'm3F', 'm4L']);
  });

  it('has no unread marker when everything is read', () => {
    const items = mergeTimeline([], [msg(1, B, t(9, 0)), msg(2, B, t(9, 1))], []);
    expect(shape(buildRows(items, { me: A, readSeq: 2, now: NOW, top: null }))).not.toContain('unread');
  });

  it('shows system events as their own rows that end a group', () => {
    const items = mergeTimeline([], [msg(1, B, t(9, 0)), msg(3, B, t(9, 1))], [sys(2, t(9, 0))]);
    expect(shape(buildRows(items, { me: A, readSeq: null, now: NOW, top: 'loading' }))).toEqual(['top:loading', '[Today]', 'm1FL', 's2', 'm3FL']);
  });

  it('keys messages by clientMsgId so a pending message keeps its row when sent', () => {
    const pending = msg(null, A, t(9, 0), 'same');
    const sent = { ...msg(7, A, t(9, 0), 'same') };
    const k1 = buildRows(mergeTimeline([], [pending], []), { me: A, readSeq: null, now: NOW, top: null }).at(-1)!.key;
    const k2 = buildRows(mergeTimeline([], [sent], []), { me: A, readSeq: null, now: NOW, top: null }).at(-1)!.key;
    expect(k1).toBe(k2);
  });
});

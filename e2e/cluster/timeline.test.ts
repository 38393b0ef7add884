// The cluster tests' checker must be able to fail: each way of losing or doubling a message is caught.
import { describe, expect, it } from 'vitest';
import { repeated, timelineProblems, type TimelineEvent } from './timeline.js';

const msg = (seq: number, clientMsgId = `m${seq}`, id = `msg_${seq}`): TimelineEvent => ({ id, seq, type: 'message', sender: 'acc_a', clientMsgId });
const sent = [msg(3), msg(4), msg(5)];

describe('timelineProblems', () => {
  it('accepts every message once, whether it came live, by sync or both, in any order', () => {
    expect(timelineProblems([msg(5), msg(3), msg(4), msg(3), msg(5)], { from: 2, to: 5, expected: sent })).toEqual([]);
  });

  it('catches a resend stored a second time (same clientMsgId, another id and seq)', () => {
    const twice = [...sent, msg(6, 'm4', 'msg_again')];
    expect(timelineProblems(twice, { from: 2, to: 6, expected: sent })).toEqual([
      'clientMsgId m4 of acc_a stored twice: msg_4 and msg_again',
      'msg_again (seq 6, clientMsgId m4) was never acknowledged to anyone',
    ]);
  });

  it('catches two events at one seq, one event at two seqs, a gap and a lost message', () => {
    expect(timelineProblems([msg(3), msg(4), msg(4, 'x', 'msg_x')], { from: 2, to: 4, expected: [msg(3), msg(4), msg(4, 'x', 'msg_x')] })).toContain('seq 4 holds both msg_4 and msg_x');
    expect(timelineProblems([msg(3), msg(4), msg(5), { ...msg(4), seq: 5 }], { from: 2, to: 5, expected: sent })).toContain('msg_4 came at seq 4 and at seq 5');
    expect(timelineProblems([msg(3), msg(5)], { from: 2, to: 5, expected: sent })).toEqual(['seq 4 missing', 'msg_4 (seq 4) never arrived']);
    expect(timelineProblems([msg(3), msg(4), msg(5), msg(6)], { from: 2, to: 5, expected: sent })).toContain('msg_6 at seq 6, beyond the last seq 5');
  });

  it('repeated() counts the ids that came more than once', () => {
    expect([...repeated(['a', 'b', 'a', 'c', 'a'])]).toEqual([['a', 3]]);
  });
});

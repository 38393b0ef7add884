import { describe, expect, it } from 'vitest';
import type { ConversationId, PushPayload } from '@ottr/protocol';
import { fitPayload, retryAfterMs, truncateUtf8 } from './push.js';

const bytes = (s: string) => Buffer.byteLength(s);
/** No lone surrogate: what survives a round trip through UTF-8 unchanged. */
const wellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s;

describe('truncateUtf8', () => {
  it('leaves what fits alone', () => {
    expect(truncateUtf8('hello', 5)).toBe('hello');
  });

  it('cuts at a code point and ends with an ellipsis', () => {
    const cut = truncateUtf8('😀😀😀😀', 10); // 4-byte emoji; budget 7 → one emoji + '…'
    expect(cut).toBe('😀…');
    expect(bytes(cut)).toBeLessThanOrEqual(10);
    expect(wellFormed(cut)).toBe(true);
  });

  it('never leaves half a surrogate pair or half a CJK character', () => {
    for (let max = 3; max < 40; max++) {
      const cut = truncateUtf8('漢字😀かな🎉テキスト', max);
      expect(bytes(cut)).toBeLessThanOrEqual(max);
      expect(wellFormed(cut)).toBe(true);
    }
  });
});

describe('fitPayload', () => {
  const payload: PushPayload = {
    type: 'message', conversationId: 'cnv_01HZCONV00000000000000000' as ConversationId, seq: 1, count: 1, badge: 1, title: 'Alice', body: '"quoted" \\ 😀'.repeat(400),
  };

  it('shortens the body until the encoded payload fits, the rest intact', () => {
    const encode = (p: PushPayload) => JSON.stringify({ wrapper: p });
    const fitted = fitPayload(payload, 1000, encode);
    expect(bytes(encode(fitted))).toBeLessThanOrEqual(1000);
    expect(bytes(encode(fitted))).toBeGreaterThan(900);
    expect({ ...fitted, body: '' }).toEqual({ ...payload, body: '' });
    expect(fitted.type === 'message' && fitted.body.endsWith('…')).toBe(true);
  });

  it('shortens the title when the body alone is not enough', () => {
    const long = { ...payload, title: 'T'.repeat(2000), body: 'b'.repeat(2000) };
    const fitted = fitPayload(long, 500, (p) => JSON.stringify(p));
    expect(bytes(JSON.stringify(fitted))).toBeLessThanOrEqual(500);
    expect(fitted).toMatchObject({ body: '' });
  });

  it('returns a payload that fits as it is', () => {
    const small = { ...payload, body: 'hi' };
    expect(fitPayload(small, 4000, (p) => JSON.stringify(p))).toBe(small);
  });
});

describe('retryAfterMs', () => {
  it('reads delay-seconds and HTTP dates; undefined when absent or unreadable', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('30', now)).toBe(30_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60_000);
    expect(retryAfterMs('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});

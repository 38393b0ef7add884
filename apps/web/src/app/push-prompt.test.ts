import { describe, expect, it } from 'vitest';
import type { ConversationId } from '@ottr/sdk/browser';
import { SNOOZE_MS, dismissOffer, dismissedAt, isEngaged, noteChatOpened, noteSent, shouldOffer, type OfferState } from './push-prompt.js';

/** localStorage's two methods the rule uses, over a Map. */
function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

const now = Date.UTC(2026, 10, 27, 9);
const A = 'cnv_01JD0000000000000000000001' as ConversationId;
const B = 'cnv_01JD0000000000000000000002' as ConversationId;
const ready: OfferState = { permission: 'default', webPush: true, engaged: true, dismissedAt: null, now };

describe('when the app offers notifications', () => {
  it('not before the person used the app here: a first load, or a chat opened once, is no moment', () => {
    const storage = memoryStorage();
    expect(isEngaged(storage)).toBe(false);
    expect(noteChatOpened(storage, A)).toBe(false);
    expect(noteChatOpened(storage, B)).toBe(false);
    expect(isEngaged(storage)).toBe(false);
    expect(shouldOffer({ ...ready, engaged: isEngaged(storage) })).toBe(false);
  });

  it('after a chat is opened a second time', () => {
    const storage = memoryStorage();
    noteChatOpened(storage, A);
    noteChatOpened(storage, B);
    expect(noteChatOpened(storage, A)).toBe(true);
    expect(isEngaged(storage)).toBe(true);
    expect(shouldOffer({ ...ready, engaged: isEngaged(storage) })).toBe(true);
  });

  it('after a message was sent from this browser', () => {
    const storage = memoryStorage();
    noteSent(storage);
    expect(isEngaged(storage)).toBe(true);
  });

  it('only while the browser has not been asked, and only when the server sends Web Push', () => {
    expect(shouldOffer(ready)).toBe(true);
    expect(shouldOffer({ ...ready, permission: 'granted' })).toBe(false);
    expect(shouldOffer({ ...ready, permission: 'denied' })).toBe(false);
    expect(shouldOffer({ ...ready, permission: 'unsupported' })).toBe(false);
    expect(shouldOffer({ ...ready, webPush: false })).toBe(false);
  });

  it('"Not now" holds it back for 7 days, then it may come again', () => {
    const storage = memoryStorage();
    expect(dismissedAt(storage)).toBeNull();
    dismissOffer(storage, now);
    const at = dismissedAt(storage);
    expect(at).toBe(now);
    expect(shouldOffer({ ...ready, dismissedAt: at, now: now + 60_000 })).toBe(false);
    expect(shouldOffer({ ...ready, dismissedAt: at, now: now + SNOOZE_MS - 1 })).toBe(false);
    expect(shouldOffer({ ...ready, dismissedAt: at, now: now + SNOOZE_MS })).toBe(true);
  });

  it('survives damaged or unavailable storage', () => {
    const storage = memoryStorage();
    storage.data.set('ottr.notify.opened', '{not json');
    storage.data.set('ottr.notify.dismissedAt', 'soon');
    expect(noteChatOpened(storage, A)).toBe(false);
    expect(noteChatOpened(storage, A)).toBe(true);
    expect(dismissedAt(storage)).toBeNull();
    const broken = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(() => noteSent(broken)).not.toThrow();
    expect(isEngaged(broken)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import type { AccountId, DeviceId, Tokens } from '@ottr/protocol';
import { OttrError } from './errors.js';
import { fakePlatform } from './fake-platform.js';
import { SessionManager, type SessionEvent } from './session.js';
import { KEYS, MemoryStore } from './store.js';

const saved = { accountId: 'acc_1' as AccountId, deviceId: 'dev_1' as DeviceId, accessToken: 'A1', refreshToken: 'R1' };

function setup(refreshCall: (rt: string) => Promise<Tokens>) {
  const fake = fakePlatform();
  const store = new MemoryStore();
  const events: SessionEvent[] = [];
  const writes: unknown[] = [];
  const write = store.write.bind(store);
  store.write = async (entries) => {
    writes.push(...entries.filter(([k]) => k === KEYS.session).map(([, v]) => v));
    return write(entries);
  };
  const sessions = new SessionManager({ store, platform: fake.platform, refreshCall, onEvent: (e) => void events.push(e) });
  return { fake, store, events, writes, sessions };
}

describe('SessionManager', () => {
  it('refreshes once for many callers, and saves the rotated refresh token before the new access token is used', async () => {
    let calls = 0;
    let release!: () => void;
    const s = setup(async (rt) => {
      calls++;
      expect(rt).toBe('R1');
      await new Promise<void>((r) => (release = r));
      return { accessToken: 'A2', accessTokenExpiresAt: 9e15, refreshToken: 'R2' };
    });
    await s.sessions.set(saved);
    const all = [s.sessions.refresh('A1'), s.sessions.refresh('A1'), s.sessions.accessToken(), s.sessions.refresh('A1')];
    await s.fake.flush();
    release();
    const [, , token] = await Promise.all(all);
    expect(calls).toBe(1);
    expect(token).toBe('A2');
    expect(s.writes.at(-1)).toMatchObject({ accessToken: 'A2', refreshToken: 'R2' });
    expect(await s.store.get(KEYS.session)).toMatchObject({ refreshToken: 'R2' });
    expect(s.events).toEqual([{ type: 'refreshed' }]);
    // A caller holding the replaced token does not refresh again.
    await s.sessions.refresh('A1');
    expect(calls).toBe(1);
  });

  it('refreshes first when the access token is known to have expired', async () => {
    const s = setup(async () => ({ accessToken: 'A2', accessTokenExpiresAt: Date.now() * 2, refreshToken: 'R2' }));
    await s.sessions.set({ ...saved, accessTokenExpiresAt: s.fake.platform.now() - 1 });
    expect(await s.sessions.accessToken()).toBe('A2');
  });

  it('a revoked session ends: an event, and every later call fails with session_revoked', async () => {
    const s = setup(async () => {
      throw new OttrError('session_revoked');
    });
    await s.sessions.set(saved);
    await expect(s.sessions.refresh('A1')).rejects.toMatchObject({ code: 'session_revoked' });
    expect(s.events).toEqual([{ type: 'ended', reason: 'revoked', error: expect.any(OttrError) }]);
    await expect(s.sessions.accessToken()).rejects.toMatchObject({ code: 'session_revoked' });
  });

  it('a network failure does not end the session', async () => {
    const s = setup(async () => {
      throw new OttrError('network');
    });
    await s.sessions.set(saved);
    await expect(s.sessions.refresh('A1')).rejects.toMatchObject({ code: 'network' });
    expect(s.events).toEqual([]);
    expect(await s.sessions.accessToken()).toBe('A1');
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FetchLike } from '@ottr/sdk/node';
import { afterEach, describe, expect, it } from 'vitest';
import { guardRefresh } from './refresh-guard.js';
import { ProfileStore } from './store.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const session = (n: number) => ({ accountId: 'acc_1', deviceId: 'dev_1', accessToken: `A${n}`, accessTokenExpiresAt: n, refreshToken: `R${n}` });
const refresh = (token: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: token }) });

describe('guardRefresh', () => {
  it('refreshes once across processes: a stale refresh token gets the tokens another process stored', async () => {
    const base = await mkdtemp(path.join(tmpdir(), 'ottr-guard-'));
    dirs.push(base);
    const store = new ProfileStore(base, 'default');
    await store.save({ server: 'http://x', session: session(1) });
    const calls: string[] = [];
    const server: FetchLike = async (url, init) => {
      calls.push(`${init.method} ${url} ${init.body ?? ''}`);
      return { status: 200, headers: { get: () => null }, text: async () => JSON.stringify({ accessToken: 'A2', accessTokenExpiresAt: 2, refreshToken: 'R2' }) };
    };
    const fetch = guardRefresh(store, 'dev_1', server);

    const first = await fetch('http://x/v1/auth/refresh', refresh('R1'));
    expect(JSON.parse(await first.text())).toEqual({ accessToken: 'A2', accessTokenExpiresAt: 2, refreshToken: 'R2' });
    expect((await store.load()).session).toEqual(session(2)); // stored before the lock is released

    // A second process that loaded R1 earlier does not present it again (that would revoke the device).
    const second = await fetch('http://x/v1/auth/refresh', refresh('R1'));
    expect(second.status).toBe(200);
    expect(JSON.parse(await second.text())).toEqual({ accessToken: 'A2', accessTokenExpiresAt: 2, refreshToken: 'R2' });
    expect(calls).toHaveLength(1);

    // Other requests pass through untouched.
    await fetch('http://x/v1/me', { method: 'GET', headers: {} });
    expect(calls[1]).toBe('GET http://x/v1/me ');
  });
});

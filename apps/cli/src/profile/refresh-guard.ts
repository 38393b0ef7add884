import type { FetchLike, FetchResponseLike } from '@ottr/sdk/node';
import type { ProfileStore } from './store.js';

const REFRESH_PATH = '/v1/auth/refresh';

/**
 * Several `ottr` processes may share one profile (a long `ottr tail` and a `send` beside it): one
 * device, one refresh token. Presenting a refresh token that was already exchanged revokes the
 * device (docs/protocol.md §2), so refreshes must be single-flight across processes, not only
 * within the SDK. This wraps the SDK's fetch: a refresh runs under the profile lock; if another
 * process already rotated the tokens (the profile holds a newer refresh token of the same device),
 * its tokens are answered instead of asking the server, and new tokens are written to the
 * profile before the lock is released.
 */
export function guardRefresh(store: ProfileStore, deviceId: string, inner: FetchLike = (url, init) => fetch(url, init)): FetchLike {
  return async (url, init) => {
    if (init.method !== 'POST' || !new URL(url).pathname.endsWith(REFRESH_PATH)) return inner(url, init);
    const presented = (JSON.parse(init.body ?? '{}') as { refreshToken?: unknown }).refreshToken;
    return store.withLock(async () => {
      const profile = await store.load();
      const mine = profile.session?.deviceId === deviceId ? profile.session : undefined;
      if (mine && mine.refreshToken !== presented) {
        return answer(200, JSON.stringify({ accessToken: mine.accessToken, accessTokenExpiresAt: mine.accessTokenExpiresAt, refreshToken: mine.refreshToken }));
      }
      const res = await inner(url, init);
      const text = await res.text();
      if (res.status === 200 && mine) {
        const tokens = JSON.parse(text) as { accessToken: string; accessTokenExpiresAt: number; refreshToken: string };
        await store.save({ ...profile, session: { ...mine, accessToken: tokens.accessToken, accessTokenExpiresAt: tokens.accessTokenExpiresAt, refreshToken: tokens.refreshToken } });
      }
      return answer(res.status, text, res.headers);
    });
  };
}

function answer(status: number, text: string, headers: FetchResponseLike['headers'] = { get: () => null }): FetchResponseLike {
  return { status, headers, text: async () => text };
}

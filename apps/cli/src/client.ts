// The one place where the CLI creates SDK clients and turns SDK errors into CLI errors.
import { createClient, isOttrError, type ClientOptions, type NodeOttrClient, type OttrClient, type OttrError } from '@ottr/sdk/node';
import type { Ctx } from './context.js';
import { CliError, notSignedIn } from './errors.js';
import { guardRefresh } from './profile/refresh-guard.js';
import { ProfileSdkStore } from './profile/sdk-store.js';
import type { Profile, StoredSession } from './profile/store.js';

/** A client of the profile's signed-in device. */
export interface Signed {
  client: NodeOttrClient;
  server: string;
  profile: Profile;
  session: StoredSession;
  me: string;
}

/** A client without a session (sign-in), for `server`, saving what it signs in to the profile. */
export function anonymousClient(ctx: Ctx, server: string): OttrClient {
  return createClient({ baseUrl: server, store: new ProfileSdkStore(ctx.store) });
}

/**
 * The client of the profile's session: throws "not signed in — run `ottr login`" without one, and
 * refuses a --server other than the one the session belongs to.
 */
export async function signedInClient(ctx: Ctx, options: Partial<Omit<ClientOptions, 'baseUrl' | 'platform' | 'store'>> = {}): Promise<Signed> {
  const profile = await ctx.store.load();
  const server = ctx.serverUrl(profile.server);
  const session = profile.session;
  if (!session) throw notSignedIn(ctx.profileName);
  if (profile.server && server !== profile.server) {
    throw new CliError(`profile '${ctx.profileName}' is signed in to ${profile.server}, not ${server}`, {
      code: 'wrong_server',
      hint: `drop --server, use another --profile, or sign in there with \`ottr login --server ${server}\``,
    });
  }
  const client = createClient({
    ...options,
    baseUrl: server,
    store: new ProfileSdkStore(ctx.store),
    platform: { fetch: guardRefresh(ctx.store, session.deviceId) },
  });
  await client.ready();
  if (!client.session) throw notSignedIn(ctx.profileName);
  return { client, server, profile, session, me: session.accountId };
}

/** A client for the admin routes of `server` with `adminToken` (no device session needed). */
export function adminClient(server: string, adminToken: string): OttrClient {
  return createClient({ baseUrl: server, adminToken });
}

const login = (ctx: Ctx) => `run \`ottr login${ctx.profileName === 'default' ? '' : ` --profile ${ctx.profileName}`}\``;

/** An SDK error as a CLI error: what went wrong (with the server's code) and what to do. */
export function explain(err: unknown, ctx: Ctx, server?: string): Error {
  if (!isOttrError(err)) return err instanceof Error ? err : new Error(String(err));
  const e: OttrError = err;
  const opts = (hint?: string) => ({ code: e.code, showCode: true, ...(hint ? { hint } : {}) });
  switch (e.code) {
    case 'network':
      return new CliError(`cannot reach the server${server ? ` at ${server}` : ''} (${e.message})`, {
        code: 'network',
        hint: 'is it running? Start one with `ottr serve`, or pass --server URL',
      });
    case 'timeout':
      return new CliError(`the server${server ? ` at ${server}` : ''} did not answer in time`, opts('try again'));
    case 'not_signed_in':
    case 'unauthorized':
      return new CliError('not signed in, or the session is no longer valid', opts(login(ctx)));
    case 'session_revoked':
      return new CliError('this device was signed out', opts(login(ctx)));
    case 'token_expired':
      return new CliError('the session expired', opts(login(ctx)));
    case 'rate_limited':
      return new CliError(`too many requests${e.retryAfter ? `; try again in ${e.retryAfter} s` : ''}`, opts('slow down and retry'));
    case 'account_suspended':
      return new CliError('this account is suspended', opts("ask the server's operator"));
    case 'not_member':
      return new CliError('you are not a member of that conversation', opts('see your conversations with `ottr chats`'));
    case 'invalid_identifier':
      return new CliError(e.message, opts('give a phone number in international form (+14155550123) or an email address'));
    case 'code_invalid':
      return new CliError('that code is wrong', opts('check it and try again (after 5 wrong tries, request a new one)'));
    case 'code_expired':
      return new CliError('no code is pending for that identifier, or it expired', opts('request a new one with `ottr login`'));
    case 'code_attempts_exceeded':
      return new CliError('too many wrong codes; this one is void', opts('request a new one with `ottr login`'));
    default:
      return new CliError(e.message, opts());
  }
}

/** Runs `fn`, turning SDK errors into CLI errors. */
export async function explained<T>(ctx: Ctx, server: string | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw explain(err, ctx, server);
  }
}

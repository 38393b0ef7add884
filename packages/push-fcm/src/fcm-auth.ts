import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { PushOutcome } from '@ottr/server';

/** The fields of a Google service-account JSON file that FCM needs (the rest is ignored). */
export interface FcmServiceAccount {
  project_id: string;
  /** PKCS#8 PEM. */
  private_key: string;
  client_email: string;
  private_key_id?: string;
  /** Default https://oauth2.googleapis.com/token. */
  token_uri?: string;
}

export const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token';
/** A cached access token is replaced this long before it expires. */
const REFRESH_MARGIN_MS = 60_000;

/** A failed fetch in words: undici's "fetch failed" hides the cause (ECONNREFUSED, …). */
export function networkError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'network: timed out';
  return `network: ${e.cause?.code ?? e.cause?.message ?? e.message ?? String(err)}`;
}

export type AccessToken = { token: string } | { failure: Extract<PushOutcome, { outcome: 'retry' | 'rejected' }> };

/**
 * OAuth 2.0 access tokens for FCM from a service account (the JWT-bearer grant): a JWT signed
 * RS256 with the account's key is exchanged at its token_uri. The token is cached until a minute
 * before it expires; concurrent sends share one request for a new one.
 */
export class FcmAccessTokens {
  private readonly key: KeyObject;
  private readonly tokenUri: string;
  private cached: { token: string; expiresAt: number } | undefined;
  private inFlight: Promise<AccessToken> | undefined;

  constructor(
    private readonly account: FcmServiceAccount,
    private readonly timeoutMs: number,
  ) {
    // Parsed now, so that a broken key is a startup error, not a failure of every send.
    this.key = createPrivateKey(account.private_key);
    this.tokenUri = account.token_uri ?? DEFAULT_TOKEN_URI;
    new URL(this.tokenUri); // the JWT's aud is this exact string; a malformed one is a startup error too
  }

  get(): Promise<AccessToken> {
    if (this.cached && Date.now() < this.cached.expiresAt - REFRESH_MARGIN_MS) return Promise.resolve({ token: this.cached.token });
    this.inFlight ??= this.fetch().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Forgets `token` (FCM answered 401 to it), so that the next get() asks for a new one. */
  drop(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async fetch(): Promise<AccessToken> {
    const assertion = await new SignJWT({ scope: FCM_SCOPE })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...(this.account.private_key_id ? { kid: this.account.private_key_id } : {}) })
      .setIssuer(this.account.client_email)
      .setAudience(this.tokenUri)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(this.key);
    let status: number;
    let text: string;
    try {
      const res = await fetch(this.tokenUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      return { failure: { outcome: 'retry', reason: `oauth token: ${networkError(err)}` } };
    }
    let body: { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // not JSON: reported by status below
    }
    if (status === 200 && typeof body.access_token === 'string' && typeof body.expires_in === 'number') {
      this.cached = { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
      return { token: body.access_token };
    }
    const reason = `oauth token: ${status} ${[body.error, body.error_description].filter((s) => typeof s === 'string').join(': ') || text.slice(0, 200)}`;
    // Throttled or down: later. Refused (invalid_grant: a revoked key, a wrong clock): not by retrying.
    return { failure: status === 429 || status >= 500 ? { outcome: 'retry', reason } : { outcome: 'rejected', reason } };
  }
}

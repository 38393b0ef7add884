import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

/** Apple accepts a provider token for an hour and refuses new ones more often than every 20 minutes. */
const REUSE_MS = 30 * 60_000;

/**
 * The provider authentication token of APNs token-based auth: a JWT signed ES256 with the .p8
 * key (header kid = key id; claims iss = team id, iat). One is shared by every request for
 * 30 minutes; concurrent requests wait for the same one.
 */
export class ApnsProviderToken {
  private readonly key: KeyObject;
  private current: { jwt: string; issuedAt: number } | undefined;
  private signing: Promise<string> | undefined;

  constructor(
    key: string,
    private readonly keyId: string,
    private readonly teamId: string,
  ) {
    // Parsed now, so that a broken key is a startup error, not a failure of every send.
    this.key = createPrivateKey(key);
    if (this.key.asymmetricKeyType !== 'ec') throw new Error('APNs key: an EC P-256 private key (.p8) is required');
  }

  get(): Promise<string> {
    if (this.current && Date.now() - this.current.issuedAt < REUSE_MS) return Promise.resolve(this.current.jwt);
    this.signing ??= this.sign().finally(() => {
      this.signing = undefined;
    });
    return this.signing;
  }

  /** APNs answered ExpiredProviderToken to `jwt`: the next get() signs a new one. */
  expire(jwt: string): void {
    if (this.current?.jwt === jwt) this.current = undefined;
  }

  private async sign(): Promise<string> {
    const issuedAt = Date.now();
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: this.keyId })
      .setIssuer(this.teamId)
      .setIssuedAt(Math.floor(issuedAt / 1000))
      .sign(this.key);
    this.current = { jwt, issuedAt };
    return jwt;
  }
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MediaId, MediaVariantName } from '@ottr/protocol';

/**
 * Signed media URLs: `/v1/media/{id}/{variant}?exp=<ms>&sig=<HMAC-SHA256, base64url>` over id,
 * variant and expiry with a key derived from the server secret. Whoever holds one may fetch that
 * one file until it expires, without a token (for <img src>, <audio src>, a download link); the
 * access check happened when the URL was made. Every node with the same secret accepts it.
 */
export class UrlSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('ottr media urls v1').digest();
  }

  private mac(id: MediaId, variant: MediaVariantName, exp: number): Buffer {
    return createHmac('sha256', this.key).update(`${id}\n${variant}\n${exp}`).digest();
  }

  url(id: MediaId, variant: MediaVariantName, exp: number): string {
    return `/v1/media/${id}/${variant}?exp=${exp}&sig=${this.mac(id, variant, exp).toString('base64url')}`;
  }

  /** 'ok', or why not: 'expired' (a valid signature past its time) or 'invalid'. */
  check(id: MediaId, variant: MediaVariantName, exp: string, sig: string, now: number): 'ok' | 'expired' | 'invalid' {
    const at = Number(exp);
    const given = Buffer.from(sig, 'base64url');
    const want = this.mac(id, variant, at);
    if (given.length !== want.length || !timingSafeEqual(given, want)) return 'invalid';
    return at < now ? 'expired' : 'ok';
  }
}

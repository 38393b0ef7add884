/** What to do with one incoming frame under the per-connection frame rate. */
export type RateVerdict = 'ok' | 'limited' | 'close';

/**
 * Counts a connection's incoming frames in fixed one-second windows, each starting at the first
 * frame after the previous one ended. Up to `perSecond` frames are `ok`; beyond that `limited`
 * (answered with `rate_limited`); from `4 × perSecond` on, `close` (the socket is closed 4004).
 */
export class FrameRate {
  private windowStart = -Infinity;
  private count = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  hit(): RateVerdict {
    const t = this.now();
    if (t - this.windowStart >= 1000) {
      this.windowStart = t;
      this.count = 0;
    }
    this.count++;
    if (this.count >= 4 * this.perSecond) return 'close';
    if (this.count > this.perSecond) return 'limited';
    return 'ok';
  }
}

import { randomBytes } from 'node:crypto';
import { ID_PREFIX, type IdKind } from '@ottr/protocol';
import type { Clock, IdGenerator } from '../ports/index.js';

export const systemClock: Clock = { now: () => Date.now() };

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * ULID-based ids: 10 characters of millisecond time and 16 of randomness. Within one
 * millisecond the random part is incremented, so ids of one generator are strictly increasing.
 */
export class UlidGenerator implements IdGenerator {
  private lastTime = -1;
  private lastRandom = new Uint8Array(16);

  constructor(private readonly clock: Clock = systemClock) {}

  next(kind: IdKind): string {
    const now = this.clock.now();
    if (now <= this.lastTime) {
      this.increment();
    } else {
      this.lastTime = now;
      const bytes = randomBytes(16);
      for (let i = 0; i < 16; i++) this.lastRandom[i] = bytes[i]! & 31;
    }
    let time = '';
    let t = this.lastTime;
    for (let i = 0; i < 10; i++) {
      time = ALPHABET[t % 32]! + time;
      t = Math.floor(t / 32);
    }
    let rand = '';
    for (const d of this.lastRandom) rand += ALPHABET[d]!;
    return `${ID_PREFIX[kind]}_${time}${rand}`;
  }

  private increment(): void {
    for (let i = 15; i >= 0; i--) {
      if (this.lastRandom[i]! < 31) {
        this.lastRandom[i]!++;
        return;
      }
      this.lastRandom[i] = 0;
    }
    this.lastTime++; // overflow of 80 random bits within one ms: borrow the next millisecond
  }
}

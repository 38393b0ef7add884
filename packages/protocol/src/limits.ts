/** Protocol limits, the same for every client and server. Bytes are UTF-8 bytes. */
export const LIMITS = {
  textBytes: 64 * 1024,
  captionBytes: 4 * 1024,
  clientMsgIdLength: 64,
  displayNameLength: 64,
  aboutLength: 512,
  avatarRefLength: 512,
  titleLength: 128,
  descriptionLength: 2048,
  emojiLength: 32,
  mentionsPerMessage: 100,
  /** Largest WebSocket frame the server accepts (larger ones get a `frame_too_large` error). */
  frameBytes: 256 * 1024,
  /** Beyond this the socket itself is closed with 1009. */
  hardFrameBytes: 1024 * 1024,
  /** Largest REST JSON body. */
  bodyBytes: 256 * 1024,
  pageSize: 100,
  syncPageEvents: 500,
  lookupBatch: 100,
  membersPerRequest: 200,
  presenceSubscriptions: 500,
} as const;

/** UTF-8 length of a string without allocating (works on every JS platform). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

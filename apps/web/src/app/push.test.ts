import { describe, expect, it } from 'vitest';
import { base64UrlBytes, webPushTarget } from './push.js';

describe('web push helpers', () => {
  it('decodes the server’s base64url VAPID key into the bytes subscribe() takes', () => {
    const bytes = Uint8Array.from({ length: 65 }, (_, i) => (i * 37 + 250) % 256);
    const key = Buffer.from(bytes).toString('base64url');
    expect(key).toMatch(/[-_]/);
    expect([...base64UrlBytes(key)]).toEqual([...bytes]);
    expect([...base64UrlBytes('AQID')]).toEqual([1, 2, 3]);
    expect([...base64UrlBytes('AQI')]).toEqual([1, 2]);
  });

  it('sends the server exactly what a subscription’s toJSON() holds, and refuses an incomplete one', () => {
    const json = { endpoint: 'https://push.example/abc', expirationTime: null, keys: { p256dh: 'B'.repeat(87), auth: 'A'.repeat(22) } };
    expect(webPushTarget(json)).toEqual(json);
    expect(webPushTarget({ endpoint: json.endpoint, keys: json.keys })).toEqual(json);
    expect(() => webPushTarget({ endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh } })).toThrow(/incomplete/);
    expect(() => webPushTarget({ keys: json.keys })).toThrow(/incomplete/);
  });
});

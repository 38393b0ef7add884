import { expect } from 'vitest';
import { CONFORMANCE_RETRY_AFTER_SECONDS, pushProviderConformance, pushTarget, startFakeFcm, type FakeFcmMessage, type ReceivedPush } from '@ottr/server/testing';
import { createFcmProvider } from './index.js';

/** FCM's string `data` map back to the payload: numbers and booleans from their text. */
function payloadOfData(data: Record<string, string>): ReceivedPush['payload'] {
  const { seq, count, badge, mention, quiet, ...text } = data;
  const payload: Record<string, unknown> = { ...text };
  for (const [key, value] of Object.entries({ seq, count, badge })) if (value !== undefined) payload[key] = Number(value);
  if (mention !== undefined) payload.mention = mention === 'true';
  if (quiet !== undefined) payload.quiet = quiet === 'true';
  return payload as ReceivedPush['payload'];
}

function decode(m: FakeFcmMessage): ReceivedPush {
  const android = (m.message.android ?? {}) as { collapse_key?: string; priority?: string; ttl?: string };
  return {
    address: m.token,
    payload: payloadOfData(m.message.data as Record<string, string>),
    collapseKey: android.collapse_key,
    urgency: android.priority === 'HIGH' ? 'high' : 'normal',
    ttlSeconds: Number.parseFloat(android.ttl ?? 'NaN'),
    visible: 'notification' in m.message,
  };
}

pushProviderConformance('fcm (local fake FCM)', async () => {
  const fake = await startFakeFcm();
  const provider = createFcmProvider({ serviceAccount: fake.serviceAccount, endpoint: fake.endpoint, timeoutMs: 5000 });
  let running = true;
  return {
    provider,
    target: () => Promise.resolve(pushTarget('fcm', fake.registerToken())),
    received() {
      expect(fake.errors).toEqual([]);
      return Promise.resolve(fake.received.map(decode));
    },
    failNext(kind) {
      if (kind === 'gone') fake.failNext(404);
      else if (kind === 'throttle') fake.failNext(429, { headers: { 'retry-after': String(CONFORMANCE_RETRY_AFTER_SECONDS) } });
      else if (kind === 'server') fake.failNext(500);
      else fake.failNext(400);
    },
    async stopService() {
      running = false;
      await fake.close();
    },
    async close() {
      await provider.close();
      if (running) await fake.close();
    },
  };
});

import { expect } from 'vitest';
import type { PushMessage, PushTargetRecord } from '@ottr/server';
import { CONFORMANCE_RETRY_AFTER_SECONDS, pushProviderConformance, startFakeWebPushService } from '@ottr/server/testing';
import { createWebPushProvider, generateVapidKeys } from './index.js';

const vapid = { ...generateVapidKeys(), subject: 'mailto:ops@ottr.example' };
let n = 0;

pushProviderConformance('webpush (local fake service)', async () => {
  const fake = await startFakeWebPushService();
  const provider = createWebPushProvider({ vapid });
  return {
    provider,
    async target(): Promise<PushTargetRecord> {
      const sub = fake.subscribe();
      const id = String(++n).padStart(26, '0');
      return {
        accountId: `acc_${id}` as PushTargetRecord['accountId'],
        deviceId: `dev_${id}` as PushTargetRecord['deviceId'],
        kind: 'webpush',
        address: sub.endpoint,
        params: { p256dh: sub.keys.p256dh, auth: sub.keys.auth },
        createdAt: Date.now(),
        updatedAt: Date.now(),
      };
    },
    async received() {
      expect(fake.errors).toEqual([]);
      return fake.received.map((r) => ({
        address: r.endpoint,
        payload: r.payload as PushMessage['payload'],
        collapseKey: r.headers.topic as string | undefined,
        urgency: r.headers.urgency as 'high' | 'normal',
        ttlSeconds: Number(r.headers.ttl),
        visible: undefined,
      }));
    },
    failNext(kind) {
      if (kind === 'gone') fake.failNext(410);
      else if (kind === 'throttle') fake.failNext(429, { 'retry-after': String(CONFORMANCE_RETRY_AFTER_SECONDS) });
      else if (kind === 'server') fake.failNext(500);
      else fake.failNext(413);
    },
    stopService: () => fake.close(),
    async close() {
      await provider.close();
      await fake.close();
    },
  };
});

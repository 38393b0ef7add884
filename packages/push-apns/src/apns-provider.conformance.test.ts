import { expect } from 'vitest';
import { CONFORMANCE_RETRY_AFTER_SECONDS, pushProviderConformance, pushTarget, startFakeApns, type FakeApnsNotification, type ReceivedPush } from '@ottr/server/testing';
import { createApnsProvider } from './index.js';

interface Aps {
  alert?: { title: string; body: string };
  badge: number;
}

/** The body back to the payload: title, body and badge from `aps`, the rest beside it. */
function decode(n: FakeApnsNotification): ReceivedPush {
  const { aps, ...rest } = n.body as { aps: Aps };
  const payload = aps.alert ? { ...rest, title: aps.alert.title, body: aps.alert.body, badge: aps.badge } : { ...rest, badge: aps.badge };
  return {
    address: n.token,
    payload: payload as ReceivedPush['payload'],
    collapseKey: n.headers['apns-collapse-id'] as string | undefined,
    urgency: n.headers['apns-priority'] === '10' ? 'high' : 'normal',
    ttlSeconds: Number(n.headers['apns-expiration']) - Math.floor(n.receivedAt / 1000),
    visible: n.headers['apns-push-type'] === 'alert',
  };
}

pushProviderConformance('apns (local fake APNs)', async () => {
  const fake = await startFakeApns();
  const provider = createApnsProvider({
    key: fake.key,
    keyId: fake.keyId,
    teamId: fake.teamId,
    topic: fake.topic,
    endpoints: { production: fake.endpoint, sandbox: fake.endpoint },
    timeoutMs: 5000,
  });
  let running = true;
  return {
    provider,
    target: () => Promise.resolve(pushTarget('apns', fake.registerToken())),
    received() {
      expect(fake.errors).toEqual([]);
      return Promise.resolve(fake.received.map(decode));
    },
    failNext(kind) {
      if (kind === 'gone') fake.failNext(410);
      else if (kind === 'throttle') fake.failNext(429, 'TooManyRequests', { 'retry-after': String(CONFORMANCE_RETRY_AFTER_SECONDS) });
      else if (kind === 'server') fake.failNext(500);
      else fake.failNext(400, 'TopicDisallowed');
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

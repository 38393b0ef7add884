import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationListItem, PushConfig } from '@ottr/protocol';
import { eventually, startFakeApns, startFakeFcm, type FakeApns, type FakeFcm } from '@ottr/server/testing';
import { startTestNode, type TestDevice, type TestNode } from '../test-support/harness.js';

/**
 * FCM and APNs through a node configured as an operator would (a service-account file, a .p8
 * key and its ids), against local fakes that check the OAuth and provider JWTs, the headers and
 * the message shapes: an Android phone and an iPhone of one account, woken and cleared.
 */
let t: TestNode;
let fcm: FakeFcm;
let apns: FakeApns;
let dir: string;

beforeAll(async () => {
  [fcm, apns, dir] = await Promise.all([startFakeFcm(), startFakeApns(), mkdtemp(path.join(tmpdir(), 'ottr-push-keys-'))]);
  const serviceAccount = path.join(dir, 'firebase.json');
  const key = path.join(dir, `AuthKey_${apns.keyId}.p8`);
  await writeFile(serviceAccount, JSON.stringify(fcm.serviceAccount));
  await writeFile(key, apns.key);
  t = await startTestNode({
    push: { graceMs: 200 },
    jobs: { pollMs: 50 },
    pushProviders: {
      webpush: { enabled: false },
      fcm: { serviceAccountFile: serviceAccount, endpoint: fcm.endpoint },
      apns: { keyFile: key, keyId: apns.keyId, teamId: apns.teamId, topic: apns.topic, endpoint: apns.endpoint, sandboxEndpoint: apns.endpoint },
    },
  });
});
afterAll(async () => {
  await t?.close();
  await Promise.all([fcm.close(), apns.close(), rm(dir, { recursive: true, force: true })]);
});

async function direct(a: TestDevice, b: TestDevice) {
  const res = await a.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'direct', peer: b.accountId });
  return res.body.conversation.id;
}

describe('FCM and APNs', () => {
  it('are offered as configured, Web Push is off', async () => {
    const ada = await t.signIn();
    expect((await ada.api<PushConfig>('GET', '/v1/push/config')).body).toEqual({ webpush: null, fcm: true, apns: true });
    expect((await ada.api<{ code: string }>('PUT', '/v1/me/push/webpush', { endpoint: 'https://push.example.com/x', keys: { p256dh: 'B'.repeat(87), auth: 'a'.repeat(22) } })).body.code).toBe('push_not_configured');
  });

  it('wake an Android phone and an iPhone of the same account, then clear both after a read elsewhere', async () => {
    const ada = await t.signIn();
    await ada.api('PATCH', '/v1/me', { displayName: 'Ada' });
    const ben = await t.signIn(undefined, 'laptop');
    const android = await t.signIn(ben.email, 'Pixel');
    const iphone = await t.signIn(ben.email, 'iPhone');
    const fcmToken = fcm.registerToken();
    const apnsToken = apns.registerToken();
    expect((await android.api('PUT', '/v1/me/push/fcm', { token: fcmToken })).status).toBe(200);
    expect((await iphone.api('PUT', '/v1/me/push/apns', { token: apnsToken.toUpperCase(), environment: 'sandbox' })).status).toBe(200);
    expect((await iphone.api<{ code: string }>('PUT', '/v1/me/push/apns', { token: 'not-hex' })).body.code).toBe('validation_failed');

    const cnv = await direct(ada, ben);
    const sent = await ada.api<{ event: { seq: number } }>('POST', `/v1/conversations/${cnv}/messages`, { clientMsgId: 'n1', content: { kind: 'text', text: 'Dinner?' } });
    const seq = sent.body.event.seq;
    const [[onAndroid], [oniPhone]] = await Promise.all([fcm.waitFor(1, 5000), apns.waitFor(1, 5000)]);

    expect(onAndroid!.token).toBe(fcmToken);
    expect(onAndroid!.message).toMatchObject({
      notification: { title: 'Ada', body: 'Dinner?' },
      data: { type: 'message', conversationId: cnv, seq: String(seq), badge: '1', count: '1' },
      android: { collapse_key: cnv, priority: 'HIGH' },
    });
    expect(oniPhone!.token).toBe(apnsToken);
    expect(oniPhone!.headers).toMatchObject({ 'apns-topic': apns.topic, 'apns-push-type': 'alert', 'apns-priority': '10', 'apns-collapse-id': cnv });
    expect(oniPhone!.body).toMatchObject({ aps: { alert: { title: 'Ada', body: 'Dinner?' }, badge: 1, 'thread-id': cnv }, conversationId: cnv });

    expect((await ben.api('POST', `/v1/conversations/${cnv}/read`, { seq })).status).toBe(204);
    const [, clearAndroid] = await fcm.waitFor(2, 5000);
    const [, cleariPhone] = await apns.waitFor(2, 5000);
    expect(clearAndroid!.message).toMatchObject({ data: { type: 'clear', conversationId: cnv, badge: '0' } });
    expect(clearAndroid!.message).not.toHaveProperty('notification');
    expect(cleariPhone!.headers).toMatchObject({ 'apns-push-type': 'background', 'apns-priority': '5' });
    expect(cleariPhone!.body).toMatchObject({ aps: { 'content-available': 1, badge: 0 }, type: 'clear' });
    expect(fcm.errors).toEqual([]);
    expect(apns.errors).toEqual([]);
  });

  it('a token the service no longer knows is removed from its device', async () => {
    const ada = await t.signIn();
    const ben = await t.signIn();
    const token = fcm.registerToken();
    await ben.api('PUT', '/v1/me/push/fcm', { token });
    fcm.unregisterToken(token);
    const cnv = await direct(ada, ben);
    await ada.api('POST', `/v1/conversations/${cnv}/messages`, { clientMsgId: 'g1', content: { kind: 'text', text: 'hello?' } });
    await eventually(async () => (await ben.api<{ items: unknown[] }>('GET', '/v1/me/push')).body.items.length === 0, 'the unregistered token removed', 5000);
  });

  it('a wrong credentials file stops the start with a clear error', async () => {
    await expect(startTestNode({ pushProviders: { fcm: { serviceAccountFile: path.join(dir, 'missing.json') } } })).rejects.toThrow(/OTTR_FCM_SERVICE_ACCOUNT: cannot read/);
  });
});

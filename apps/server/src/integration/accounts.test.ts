import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, ConversationListItem, Device, Presence, Session, Tokens } from '@ottr/protocol';
import { CLOSE } from '@ottr/protocol';
import { startTestNode, type TestNode } from '../test-support/harness.js';
import { rest } from '../test-support/rest.js';
import { TestClient } from '../test-support/ws-client.js';

let t: TestNode;
beforeAll(async () => {
  t = await startTestNode({ auth: { accessTokenTtlMs: 1500 } });
});
afterAll(() => t.close());

describe('accounts and devices', () => {
  it('signs up by phone (E.164) with a code from the outbox, and signs in again to the same account', async () => {
    const phone = `+1415555${String(Date.now() % 10_000).padStart(4, '0')}`;
    expect((await t.api('POST', '/v1/auth/code', { phone: '4155550123' })).body).toMatchObject({ code: 'invalid_identifier' });
    const sent = await t.api('POST', '/v1/auth/code', { phone: phone.replace('+1415', '+1 (415) ') });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ identifier: phone, channel: 'sms' });
    const wrong = await t.api('POST', '/v1/auth/verify', { phone, code: '000000', device: { name: 'x' } });
    expect(wrong.body).toMatchObject({ code: expect.stringMatching(/code_invalid|code_expired/) });
    const code = await t.codeFor(phone);
    const first = await t.api<Session>('POST', '/v1/auth/verify', { phone, code, device: { name: 'phone' } });
    expect(first.body).toMatchObject({ newAccount: true, account: { phone } });
    await t.api('POST', '/v1/auth/code', { phone });
    const second = await t.api<Session>('POST', '/v1/auth/verify', { phone, code: await t.codeFor(phone), device: { name: 'laptop' } });
    expect(second.body).toMatchObject({ newAccount: false, accountId: first.body.accountId });
    expect(second.body.deviceId).not.toBe(first.body.deviceId);
    // The code is never in the structured logs except the dev outbox line.
    const leaking = t.logs.filter((l) => l.includes(code) && !l.includes('code sent'));
    expect(leaking).toEqual([]);
  });

  it('profile, lookup by exact identifier only, devices list and revoke closing the socket', async () => {
    const ada = await t.signIn();
    const ada2 = await t.signIn(ada.email, 'tablet');
    const ben = await t.signIn();
    const me = await ada.api<Account>('PATCH', '/v1/me', { displayName: 'Ada', about: 'hi', presencePrivacy: 'contacts' });
    expect(me.body).toMatchObject({ displayName: 'Ada', about: 'hi', presencePrivacy: 'contacts', email: ada.email });
    expect((await ada.api('PATCH', '/v1/me', { displayName: '' })).status).toBe(400);
    expect((await ben.api('GET', `/v1/accounts/${ada.accountId}`)).body).toEqual({ id: ada.accountId, displayName: 'Ada', about: 'hi', avatar: null, deleted: false });

    const found = await ben.api<{ matches: { query: string; profile: { id: string } }[] }>('POST', '/v1/lookup', { emails: [ada.email.toUpperCase(), ada.email.slice(0, 6), 'nobody@example.com'] });
    expect(found.body.matches).toEqual([{ query: ada.email.toUpperCase(), profile: expect.objectContaining({ id: ada.accountId }) }]);

    const devices = await ada.api<{ items: Device[] }>('GET', '/v1/me/devices');
    expect(devices.body.items.map((d) => [d.id, d.current])).toEqual(expect.arrayContaining([[ada.deviceId, true], [ada2.deviceId, false]]));
    const tablet = await t.connect(ada2);
    expect((await ada.api('DELETE', `/v1/me/devices/${ada2.deviceId}`)).status).toBe(204);
    expect((await tablet.closed).code).toBe(CLOSE.sessionRevoked);
    expect((await ada2.api('GET', '/v1/me')).body).toMatchObject({ status: 401, code: 'session_revoked' });
    expect((await t.api('POST', '/v1/auth/refresh', { refreshToken: ada2.refreshToken })).body).toMatchObject({ code: 'session_revoked' });
    expect((await ada.api('DELETE', `/v1/me/devices/${ben.deviceId}`)).status).toBe(404);
  });

  it('access tokens expire and refresh; a reused refresh token revokes the device', async () => {
    const ada = await t.signIn();
    const c = await TestClient.connect(t.wsUrl, ada.accessToken);
    await c.close();
    await new Promise((r) => setTimeout(r, 1600)); // the test config gives access tokens 1.5 s
    const expired = await ada.api('GET', '/v1/me');
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ code: 'token_expired' });
    await expect(TestClient.connect(t.wsUrl, ada.accessToken)).rejects.toMatchObject({ code: 'token_expired' });

    const fresh = await t.api<Tokens>('POST', '/v1/auth/refresh', { refreshToken: ada.refreshToken });
    expect(fresh.status).toBe(200);
    expect((await rest(t.url, fresh.body.accessToken)('GET', '/v1/me')).status).toBe(200);
    const reuse = await t.api('POST', '/v1/auth/refresh', { refreshToken: ada.refreshToken });
    expect(reuse.body).toMatchObject({ code: 'session_revoked' });
    expect((await rest(t.url, fresh.body.accessToken)('GET', '/v1/me')).body).toMatchObject({ code: 'session_revoked' });
    expect((await t.api('POST', '/v1/auth/refresh', { refreshToken: fresh.body.refreshToken })).body).toMatchObject({ code: 'session_revoked' });
  });

  it('presence: online and last seen, as privacy allows', async () => {
    const ada = await t.signIn();
    const ben = await t.signIn();
    const cara = await t.signIn();
    await ada.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'direct', peer: ben.accountId });
    await ada.api('POST', '/v1/conversations', { kind: 'group', title: 'g', members: [cara.accountId] });
    const b = await t.connect(ben);
    const c = await t.connect(cara);
    const watch = await b.call<{ presence: Presence[] }>({ type: 'presence_subscribe', accountIds: [ada.accountId] });
    expect(watch.presence[0]).toMatchObject({ online: false });
    await c.call({ type: 'presence_subscribe', accountIds: [ada.accountId] });

    const a = await t.connect(ada);
    expect(await b.next('presence', (f) => f.accountId === ada.accountId)).toMatchObject({ online: true });
    expect(await c.next('presence', (f) => f.accountId === ada.accountId)).toMatchObject({ online: true });
    await a.close();
    const off = await b.next('presence', (f) => f.accountId === ada.accountId && !f.online);
    expect(off.lastSeenAt).toEqual(expect.any(Number));

    // contacts: a group member no longer sees it, a direct contact does; nobody: no one.
    await ada.api('PATCH', '/v1/me', { presencePrivacy: 'contacts' });
    const rest1 = await cara.api<{ items: Presence[] }>('GET', `/v1/presence?accountIds=${ada.accountId}`);
    expect(rest1.body.items).toEqual([{ accountId: ada.accountId, online: false, lastSeenAt: null }]);
    const rest2 = await ben.api<{ items: Presence[] }>('GET', `/v1/presence?accountIds=${ada.accountId}`);
    expect(rest2.body.items[0]!.lastSeenAt).toEqual(expect.any(Number));
    await ada.api('PATCH', '/v1/me', { presencePrivacy: 'nobody' });
    expect((await ben.api<{ items: Presence[] }>('GET', `/v1/presence?accountIds=${ada.accountId}`)).body.items[0]!.lastSeenAt).toBeNull();
    expect((await ben.api('GET', '/v1/presence?accountIds=bogus')).status).toBe(400);
  });

  it('deleting an account signs out its devices, leaves its groups and frees its email', async () => {
    const ada = await t.signIn();
    const ben = await t.signIn();
    const grp = (await ben.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'group', title: 'g', members: [ada.accountId] })).body.conversation.id;
    const dm = (await ben.api<ConversationListItem>('POST', '/v1/conversations', { kind: 'direct', peer: ada.accountId })).body.conversation.id;
    const a = await t.connect(ada);
    expect((await ada.api('DELETE', '/v1/me')).status).toBe(204);
    expect((await a.closed).code).toBe(CLOSE.accountDeleted);
    expect((await ada.api('GET', '/v1/me')).status).toBe(401);
    expect((await ben.api('GET', `/v1/accounts/${ada.accountId}`)).body).toMatchObject({ deleted: true, displayName: expect.any(String) });
    expect((await ben.api<ConversationListItem>('GET', `/v1/conversations/${grp}`)).body.conversation.memberCount).toBe(1);
    expect((await ben.api('POST', `/v1/conversations/${dm}/messages`, { clientMsgId: 'x', content: { kind: 'text', text: 'hello?' } })).body).toMatchObject({ code: 'forbidden' });
    const again = await t.signIn(ada.email);
    expect(again.accountId).not.toBe(ada.accountId);
  });
});

import type { AccountId, ConversationId, DeviceId, MessageId, PushKind } from '@ottr/protocol';
import { describe, expect } from 'vitest';
import type { ExportBatch, NewJob, PushTargetRecord, Store } from '../../ports/index.js';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../ports/store.js';
import { expectCode, type Suite } from './fixtures.js';

export function pushTests(s: Suite): void {
  const { f, test } = s;

  async function device(accountId: AccountId): Promise<DeviceId> {
    const id = f.id<DeviceId>('device');
    const at = f.now();
    await s.store.auth.createDevice({ id, accountId, name: 'Phone', platform: 'android', createdAt: at, lastActiveAt: at }, []);
    return id;
  }

  const PARAMS: Record<PushKind, Record<string, string>> = {
    webpush: { p256dh: 'B'.repeat(87), auth: 'a'.repeat(22) },
    fcm: {},
    apns: { topic: 'app.ottr', environment: 'sandbox' },
  };

  function put(accountId: AccountId, deviceId: DeviceId, kind: PushKind, address: string, at = f.now()): Promise<PushTargetRecord> {
    return s.store.push.putTarget({ accountId, deviceId, kind, address, params: PARAMS[kind] }, at);
  }

  const job = (tag: string): NewJob => ({ id: f.id('event'), kind: 'push.test', payload: { tag }, runAt: f.now(), now: f.now() });
  const exists = async (j: NewJob) => (await s.store.jobs.get(j.id)) !== null;
  const byDevice = (targets: PushTargetRecord[]) => [...targets].sort((x, y) => (x.deviceId + x.kind < y.deviceId + y.kind ? -1 : 1));

  describe('push: targets', () => {
    test('putTarget stores a target, replacing the device’s target of that kind and keeping its createdAt', async () => {
      const a = await f.account();
      const d = await device(a);
      expect(await s.store.push.getTarget(d, 'webpush')).toBeNull();
      const first = await put(a, d, 'webpush', 'https://push.example/sub/1', 1000);
      expect(first).toEqual({ accountId: a, deviceId: d, kind: 'webpush', address: 'https://push.example/sub/1', params: PARAMS.webpush, createdAt: 1000, updatedAt: 1000 });
      expect(await s.store.push.getTarget(d, 'webpush')).toEqual(first);

      const params = { p256dh: 'C'.repeat(87), auth: 'b'.repeat(22) };
      const second = await s.store.push.putTarget({ accountId: a, deviceId: d, kind: 'webpush', address: 'https://push.example/sub/2', params }, 2000);
      expect(second).toEqual({ ...first, address: 'https://push.example/sub/2', params, updatedAt: 2000 });
      expect(await s.store.push.getTarget(d, 'webpush')).toEqual(second);
      // The same registration again: only updatedAt moves.
      expect(await s.store.push.putTarget({ accountId: a, deviceId: d, kind: 'webpush', address: 'https://push.example/sub/2', params }, 3000)).toEqual({ ...second, updatedAt: 3000 });
      expect(await s.store.push.listTargets([a])).toEqual([{ ...second, updatedAt: 3000 }]);
    });

    test('a device holds one target of each kind; deleteTarget removes one kind and says whether there was one', async () => {
      const a = await f.account();
      const d = await device(a);
      const web = await put(a, d, 'webpush', 'https://push.example/sub/w');
      const fcm = await put(a, d, 'fcm', 'fcm-token-1');
      const apns = await put(a, d, 'apns', 'ab'.repeat(32));
      expect(byDevice(await s.store.push.listTargets([a]))).toEqual(byDevice([web, fcm, apns]));
      expect(await s.store.push.deleteTarget(d, 'fcm')).toBe(true);
      expect(await s.store.push.deleteTarget(d, 'fcm')).toBe(false);
      expect(await s.store.push.getTarget(d, 'fcm')).toBeNull();
      expect(await s.store.push.getTarget(d, 'apns')).toEqual(apns);
      expect(byDevice(await s.store.push.listTargets([a]))).toEqual(byDevice([web, apns]));
      expect(await s.store.push.deleteTarget(await device(a), 'webpush')).toBe(false);
    });

    test('an address registered by another device moves to it (an address wakes one device)', async () => {
      const [a, b] = await f.accounts(2);
      const d1 = await device(a!);
      const d2 = await device(a!);
      const d3 = await device(b!);
      await put(a!, d1, 'fcm', 'shared-token');
      const web = await put(a!, d1, 'webpush', 'https://push.example/sub/d1');
      const moved = await put(a!, d2, 'fcm', 'shared-token');
      expect(await s.store.push.getTarget(d1, 'fcm')).toBeNull();
      expect(await s.store.push.getTarget(d2, 'fcm')).toEqual(moved);
      expect(await s.store.push.getTarget(d1, 'webpush')).toEqual(web);
      // Another account's device (the app reinstalled and signed in as someone else).
      const other = await put(b!, d3, 'fcm', 'shared-token');
      expect(await s.store.push.listTargets([a!])).toEqual([web]);
      expect(await s.store.push.listTargets([b!])).toEqual([other]);
      // The same string under another kind is another address.
      const apns = await put(a!, d1, 'apns', 'shared-token');
      expect(await s.store.push.getTarget(d3, 'fcm')).toEqual(other);
      expect(byDevice(await s.store.push.listTargets([a!, b!]))).toEqual(byDevice([web, apns, other]));
    });

    test('devices registering one address at once: it ends up on exactly one of them', async () => {
      const a = await f.account();
      const devices = await Promise.all(Array.from({ length: 6 }, () => device(a)));
      const put1 = await Promise.all(devices.map((d) => put(a, d, 'fcm', 'raced-token')));
      const held = await s.store.push.listTargets([a]);
      expect(held).toHaveLength(1);
      expect(put1.map((t) => t.deviceId)).toContain(held[0]!.deviceId);
      expect(held[0]!.address).toBe('raced-token');
    });

    test('pruneTarget deletes a target only while it still has the address', async () => {
      const a = await f.account();
      const d = await device(a);
      await put(a, d, 'fcm', 'old-token');
      const renewed = await put(a, d, 'fcm', 'new-token');
      expect(await s.store.push.pruneTarget(d, 'fcm', 'old-token')).toBe(false);
      expect(await s.store.push.getTarget(d, 'fcm')).toEqual(renewed);
      expect(await s.store.push.pruneTarget(d, 'webpush', 'new-token')).toBe(false);
      expect(await s.store.push.pruneTarget(d, 'fcm', 'new-token')).toBe(true);
      expect(await s.store.push.getTarget(d, 'fcm')).toBeNull();
      expect(await s.store.push.pruneTarget(d, 'fcm', 'new-token')).toBe(false);
    });

    test('listTargets lists the live devices of the given accounts; revoking a device or deleting the account drops its targets', async () => {
      const [a, b, c] = await f.accounts(3);
      const [a1, a2, b1, c1] = [await device(a!), await device(a!), await device(b!), await device(c!)];
      const ta1 = await put(a!, a1, 'webpush', 'https://push.example/a1');
      const ta2 = await put(a!, a2, 'fcm', 'a2');
      const tb1 = await put(b!, b1, 'apns', 'cd'.repeat(32));
      await put(c!, c1, 'fcm', 'c1');
      expect(await s.store.push.listTargets([])).toEqual([]);
      expect(byDevice(await s.store.push.listTargets([a!, b!]))).toEqual(byDevice([ta1, ta2, tb1]));

      expect(await s.store.auth.revokeDevice(a!, a2, f.now())).toBe(true);
      expect(await s.store.push.listTargets([a!])).toEqual([ta1]);
      expect(await s.store.push.getTarget(a2, 'fcm')).toBeNull();

      await s.store.accounts.markDeleted(b!, f.now());
      expect(await s.store.push.listTargets([b!])).toEqual([]);
      expect(await s.store.push.getTarget(b1, 'apns')).toBeNull();
      expect(await s.store.push.listTargets([a!, b!, c!])).toHaveLength(2);
    });
  });

  describe('push: targets of signed-out devices', () => {
    test('hasTargets: whether another active member of the conversation has a target on a live device', async () => {
      const [a, b, c] = await f.accounts(3);
      const group = await f.group(a!, [b!, c!]);
      expect(await s.store.push.hasTargets(group, a!)).toBe(false);
      const mine = await device(a!);
      await put(a!, mine, 'fcm', 'token-a');
      expect(await s.store.push.hasTargets(group, a!)).toBe(false);
      expect(await s.store.push.hasTargets(group, b!)).toBe(true);
      const theirs = await device(c!);
      await put(c!, theirs, 'apns', 'ab'.repeat(32));
      expect(await s.store.push.hasTargets(group, a!)).toBe(true);
      await s.store.auth.revokeDevice(c!, theirs, f.now());
      expect(await s.store.push.hasTargets(group, a!)).toBe(false);
      await put(b!, await device(b!), 'webpush', 'https://push.example/sub/b');
      expect(await s.store.push.hasTargets(group, a!)).toBe(true);
      await s.store.conversations.removeMember(group, b!, f.actor(a!), f.id('event'));
      expect(await s.store.push.hasTargets(group, a!)).toBe(false);
    });

    test('a device revoked for reusing a refresh token loses its targets too', async () => {
      const a = await f.account();
      const d = f.id<DeviceId>('device');
      const at = f.now();
      const refresh = { hash: `r-${d}`, deviceId: d, kind: 'refresh' as const, expiresAt: at + 1_000_000 };
      await s.store.auth.createDevice({ id: d, accountId: a, name: 'Phone', platform: 'ios', createdAt: at, lastActiveAt: at }, [refresh]);
      await put(a, d, 'apns', '01'.repeat(32));
      const next = { ...refresh, hash: `r2-${d}` };
      expect((await s.store.auth.rotateRefresh(refresh.hash, [next], f.now())).outcome).toBe('rotated');
      expect(await s.store.push.getTarget(d, 'apns')).not.toBeNull();
      expect((await s.store.auth.rotateRefresh(refresh.hash, [{ ...refresh, hash: `r3-${d}` }], f.now())).outcome).toBe('reused');
      expect(await s.store.push.getTarget(d, 'apns')).toBeNull();
      expect(await s.store.push.listTargets([a])).toEqual([]);
    });
  });

  describe('push: notification settings', () => {
    test('defaults until changed; a patch changes only its fields; dnd is set and cleared', async () => {
      const a = await f.account();
      expect(await s.store.push.getSettings(a)).toEqual(DEFAULT_NOTIFICATION_SETTINGS);
      expect(await s.store.push.updateSettings(a, {})).toEqual(DEFAULT_NOTIFICATION_SETTINGS);
      expect(await s.store.push.updateSettings(a, { privacy: 'sender' })).toEqual({ ...DEFAULT_NOTIFICATION_SETTINGS, privacy: 'sender' });
      const dnd = { from: '22:30', to: '07:00', timeZone: 'Europe/Paris' };
      expect(await s.store.push.updateSettings(a, { dnd, mentionsBreakMute: false })).toEqual({ privacy: 'sender', mentionsBreakMute: false, dnd });
      expect(await s.store.push.getSettings(a)).toEqual({ privacy: 'sender', mentionsBreakMute: false, dnd });
      expect(await s.store.push.updateSettings(a, { privacy: 'none' })).toEqual({ privacy: 'none', mentionsBreakMute: false, dnd });
      expect(await s.store.push.updateSettings(a, { dnd: null })).toEqual({ privacy: 'none', mentionsBreakMute: false, dnd: null });
      expect(await s.store.push.getSettings(a)).toEqual({ privacy: 'none', mentionsBreakMute: false, dnd: null });
      expect(await s.store.push.getSettings(await f.account())).toEqual(DEFAULT_NOTIFICATION_SETTINGS);
    });

    test('concurrent patches of different fields all apply', async () => {
      const a = await f.account();
      const dnd = { from: '01:00', to: '02:00', timeZone: 'Asia/Tokyo' };
      await Promise.all([
        s.store.push.updateSettings(a, { privacy: 'none' }),
        s.store.push.updateSettings(a, { mentionsBreakMute: false }),
        s.store.push.updateSettings(a, { dnd }),
      ]);
      expect(await s.store.push.getSettings(a)).toEqual({ privacy: 'none', mentionsBreakMute: false, dnd });
    });

    test('getSettingsMany gives every asked account its settings, defaults filled in', async () => {
      const [a, b, c] = await f.accounts(3);
      await s.store.push.updateSettings(b!, { privacy: 'none' });
      const many = await s.store.push.getSettingsMany([a!, b!, c!]);
      expect([...many.keys()].sort()).toEqual([a!, b!, c!].sort());
      expect(many.get(a!)).toEqual(DEFAULT_NOTIFICATION_SETTINGS);
      expect(many.get(b!)).toEqual({ ...DEFAULT_NOTIFICATION_SETTINGS, privacy: 'none' });
      expect(many.get(c!)).toEqual(DEFAULT_NOTIFICATION_SETTINGS);
      expect((await s.store.push.getSettingsMany([])).size).toBe(0);
    });
  });

  describe('push: notified and cleared', () => {
    test('notify moves forward only, and enqueues its jobs exactly when it moves', async () => {
      const [a, b] = await f.accounts(2);
      const c = await f.direct(a!, b!);
      const other = await f.direct(a!, await f.account());
      expect(await s.store.push.state(a!, c)).toEqual({ notifiedSeq: 0, clearedSeq: 0 });
      const [j1, j2] = [job('1'), job('2')];
      expect(await s.store.push.notify(a!, c, 3, [j1, j2], f.now())).toBe(true);
      expect(await s.store.jobs.get(j1.id)).toMatchObject({ kind: 'push.test', payload: { tag: '1' }, status: 'pending', runAt: j1.runAt });
      expect(await exists(j2)).toBe(true);
      expect(await s.store.push.state(a!, c)).toEqual({ notifiedSeq: 3, clearedSeq: 0 });
      const [same, lower] = [job('same'), job('lower')];
      expect(await s.store.push.notify(a!, c, 3, [same], f.now())).toBe(false);
      expect(await s.store.push.notify(a!, c, 2, [lower], f.now())).toBe(false);
      expect(await exists(same)).toBe(false);
      expect(await exists(lower)).toBe(false);
      expect(await s.store.push.state(a!, c)).toEqual({ notifiedSeq: 3, clearedSeq: 0 });
      expect(await s.store.push.notify(a!, c, 5, [], f.now())).toBe(true);
      expect(await s.store.push.state(a!, c)).toEqual({ notifiedSeq: 5, clearedSeq: 0 });
      // Per member and conversation.
      expect(await s.store.push.state(b!, c)).toEqual({ notifiedSeq: 0, clearedSeq: 0 });
      expect(await s.store.push.state(a!, other)).toEqual({ notifiedSeq: 0, clearedSeq: 0 });
      expect(await s.store.push.notify(b!, c, 1, [], f.now())).toBe(true);
      expect(await s.store.push.notify(a!, other, 1, [], f.now())).toBe(true);
      expect(await s.store.push.state(a!, c)).toEqual({ notifiedSeq: 5, clearedSeq: 0 });
    });

    test('of concurrent notifies for one seq exactly one moves, and only its jobs are enqueued', async () => {
      const [a, b] = await f.accounts(2);
      const c = await f.direct(a!, b!);
      const jobs = Array.from({ length: 8 }, (_, i) => job(`n${i}`));
      const moved = await Promise.all(jobs.map((j) => s.store.push.notify(a!, c, 4, [j], f.now())));
      expect(moved.filter(Boolean)).toHaveLength(1);
      const enqueued = await Promise.all(jobs.map(exists));
      expect(enqueued).toEqual(moved);
      const claimed = await s.store.jobs.claim({ kinds: ['push.test'], limit: 20, leaseMs: 1000, worker: 'w', now: f.now() });
      expect(claimed.map((j) => j.id)).toEqual([jobs[moved.indexOf(true)]!.id]);
      // Then a later seq, concurrently with repeats of the same one.
      const later = Array.from({ length: 4 }, (_, i) => job(`l${i}`));
      const again = await Promise.all([...later.map((j) => s.store.push.notify(a!, c, 6, [j], f.now())), s.store.push.notify(a!, c, 4, [job('old')], f.now())]);
      expect(again.filter(Boolean)).toHaveLength(1);
      expect(again.at(-1)).toBe(false);
      expect(await s.store.push.state(a!, c)).toEqual({ notifiedSeq: 6, clearedSeq: 0 });
    });

    test('clear acts only while a notification is showing and the read reached it, enqueueing its jobs then', async () => {
      const [a, b] = await f.accounts(2);
      const c = await f.direct(a!, b!);
      const never = job('never');
      expect(await s.store.push.clear(a!, c, 10, [never], f.now())).toBe(false);
      expect(await exists(never)).toBe(false);
      expect(await s.store.push.state(a!, c)).toEqual({ notifiedSeq: 0, clearedSeq: 0 });

      await s.store.push.notify(a!, c, 5, [], f.now());
      const early = job('early');
      expect(await s.store.push.clear(a!, c, 4, [early], f.now())).toBe(false);
      expect(await exists(early)).toBe(false);
      const cleared = job('cleared');
      expect(await s.store.push.clear(a!, c, 5, [cleared], f.now())).toBe(true);
      expect(await exists(cleared)).toBe(true);
      expect(await s.store.push.state(a!, c)).toEqual({ notifiedSeq: 5, clearedSeq: 5 });
      const twice = job('twice');
      expect(await s.store.push.clear(a!, c, 9, [twice], f.now())).toBe(false);
      expect(await exists(twice)).toBe(false);

      // A read past the notification clears up to the notification, not to the read.
      await s.store.push.notify(a!, c, 8, [], f.now());
      const racing = [job('r1'), job('r2'), job('r3')];
      const done = await Promise.all(racing.map((j) => s.store.push.clear(a!, c, 12, [j], f.now())));
      expect(done.filter(Boolean)).toHaveLength(1);
      expect(await Promise.all(racing.map(exists))).toEqual(done);
      expect(await s.store.push.state(a!, c)).toEqual({ notifiedSeq: 8, clearedSeq: 8 });
      expect(await s.store.push.notify(a!, c, 9, [], f.now())).toBe(true);
      expect(await s.store.push.state(a!, c)).toEqual({ notifiedSeq: 9, clearedSeq: 8 });
    });
  });

  describe('push: the badge', () => {
    test('unreadTotal counts unread messages by others across active conversations, from the join on, deleted ones not', async () => {
      const [me, b, c] = await f.accounts(3);
      expect(await s.store.push.unreadTotal(me!)).toBe(0);
      const direct = await f.direct(me!, b!);
      const first = await f.send(direct, b!, 'one');
      await f.send(direct, b!, 'two');
      await f.send(direct, me!, 'mine');
      expect(await s.store.push.unreadTotal(me!)).toBe(2);
      expect(await s.store.push.unreadTotal(b!)).toBe(1);

      const group = await f.group(b!, [me!, c!]);
      await f.send(group, c!, 'g1');
      const gone = await f.send(group, c!, 'g2');
      await f.send(group, b!, 'g3');
      await f.remove(group, c!, gone.event.id);
      expect(await s.store.push.unreadTotal(me!)).toBe(4);

      await s.store.conversations.moveReceipt(direct, me!, 'read', first.event.seq, [b!]);
      expect(await s.store.push.unreadTotal(me!)).toBe(3);

      // Joined late: what came before the join is not its to read.
      const late = await f.group(b!, [c!]);
      await f.send(late, b!, 'before');
      await f.send(late, c!, 'before too');
      await s.store.conversations.addMembers(late, [me!], 'member', f.actor(b!), null, () => f.id('event'));
      await f.send(late, c!, 'after');
      expect(await s.store.push.unreadTotal(me!)).toBe(4);

      // Left: not counted any more.
      const left = await f.group(b!, [me!]);
      await f.send(left, b!, 'x');
      expect(await s.store.push.unreadTotal(me!)).toBe(5);
      await s.store.conversations.removeMember(left, me!, f.actor(me!), f.id('event'));
      expect(await s.store.push.unreadTotal(me!)).toBe(4);

      // Read everywhere.
      for (const id of [direct, group, late]) {
        const { lastSeq } = (await s.store.conversations.get(id))!;
        await s.store.conversations.moveReceipt(id, me!, 'read', lastSeq, []);
      }
      expect(await s.store.push.unreadTotal(me!)).toBe(0);
    });
  });

  describe('push: the fan-out job of a message', () => {
    const sendWithJob = (conversationId: ConversationId, sender: AccountId, deviceId: DeviceId, clientMsgId: string, j: NewJob) =>
      s.store.events.append({
        type: 'message', id: f.id<MessageId>('message'), conversationId, sender, at: f.now(), deviceId, clientMsgId, content: { kind: 'text', text: 'hi' }, job: j,
      });

    test('events.append enqueues a message’s job in its commit, and none for a duplicate', async () => {
      const [a, b] = await f.accounts(2);
      const c = await f.direct(a!, b!);
      const d = f.id<DeviceId>('device');
      const j1 = job('m1');
      const sent = await sendWithJob(c, a!, d, 'k1', j1);
      expect(sent.duplicate).toBe(false);
      expect(await s.store.jobs.get(j1.id)).toMatchObject({ kind: 'push.test', payload: { tag: 'm1' }, status: 'pending' });
      const j2 = job('m1 again');
      const again = await sendWithJob(c, a!, d, 'k1', j2);
      expect(again).toEqual({ event: sent.event, duplicate: true });
      expect(await exists(j2)).toBe(false);

      // The same key twice in one group commit: one message, one job.
      const [j3, j4] = [job('m2'), job('m2 too')];
      const both = await Promise.all([sendWithJob(c, a!, d, 'k2', j3), sendWithJob(c, a!, d, 'k2', j4)]);
      expect(both.map((r) => r.duplicate)).toEqual([false, true]);
      expect([await exists(j3), await exists(j4)]).toEqual([true, false]);

      // A refused append enqueues nothing.
      const j5 = job('refused');
      await expectCode(sendWithJob(f.id('conversation'), a!, d, 'k3', j5), 'not_found');
      expect(await exists(j5)).toBe(false);
      expect((await f.history(c)).filter((e) => e.type === 'message')).toHaveLength(2);
    });
  });

  describe('push: export and import', () => {
    async function collect(store: Store): Promise<ExportBatch[]> {
      const out: ExportBatch[] = [];
      for await (const batch of store.exportAll()) out.push(structuredClone(batch));
      return out;
    }
    async function* replay(batches: readonly ExportBatch[]): AsyncGenerator<ExportBatch> {
      for (const b of batches) yield b;
    }

    test('targets, settings and notified state move with an export', async () => {
      const [a, b] = await f.accounts(2);
      const [da, db] = [await device(a!), await device(b!)];
      await put(a!, da, 'webpush', 'https://push.example/a');
      await put(a!, da, 'apns', 'ef'.repeat(32));
      await put(b!, db, 'fcm', 'b-token');
      await s.store.push.updateSettings(a!, { privacy: 'sender', mentionsBreakMute: false, dnd: { from: '23:00', to: '06:00', timeZone: 'UTC' } });
      await s.store.push.updateSettings(b!, { privacy: 'none' });
      const c = await f.direct(a!, b!);
      await f.send(c, b!, 'hello');
      await s.store.push.notify(a!, c, 2, [], f.now());
      await s.store.push.notify(b!, c, 1, [], f.now());
      await s.store.push.clear(b!, c, 1, [], f.now());

      const read = async (store: Store) => ({
        targets: byDevice(await store.push.listTargets([a!, b!])),
        settings: [...(await store.push.getSettingsMany([a!, b!])).entries()].sort(),
        state: [await store.push.state(a!, c), await store.push.state(b!, c)],
        badge: await store.push.unreadTotal(a!),
      });
      const exported = await collect(s.store);
      const copy = await s.open();
      try {
        const counts = await copy.importAll(replay(exported));
        expect(counts).toMatchObject({ push_targets: 3, notification_settings: 2, push_state: 2 });
        expect(await read(copy)).toEqual(await read(s.store));
        expect(await collect(copy)).toEqual(exported);
        // The imported state goes on as it was.
        expect(await copy.push.notify(a!, c, 2, [], f.now())).toBe(false);
        expect(await copy.push.clear(a!, c, 2, [], f.now())).toBe(true);
      } finally {
        await copy.close();
      }
    });
  });
}

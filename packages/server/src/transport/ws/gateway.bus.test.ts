import { CLOSE, type ServerFrame } from '@ottr/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../adapters/memory-bus.js';
import { Delivery } from '../../modules/delivery/index.js';
import type { Bus, BusMessage, BusSubscription } from '../../ports/index.js';
import { acc, dev, startGateway, TestClient, type Harness } from './test-kit.js';

/** The MemoryBus, counting live subscriptions per subject. */
class CountingBus implements Bus {
  readonly inner = new MemoryBus();
  readonly live = new Map<string, number>();
  publish(subject: string, message: BusMessage): void {
    this.inner.publish(subject, message);
  }
  subscribe(subject: string, handler: (m: BusMessage) => void): BusSubscription {
    const sub = this.inner.subscribe(subject, handler);
    this.live.set(subject, (this.live.get(subject) ?? 0) + 1);
    let done = false;
    return {
      ready: sub.ready,
      unsubscribe: () => {
        if (done) return;
        done = true;
        sub.unsubscribe();
        this.live.set(subject, this.live.get(subject)! - 1);
      },
    };
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const presence = (accountId: string, online: boolean) =>
  ({ type: 'presence', accountId, online, lastSeenAt: 1_700_000_000_000 }) as unknown as ServerFrame;

let h: Harness;
const clients: TestClient[] = [];

async function authed(token: string): Promise<TestClient> {
  const { client } = await TestClient.authed(h.url, token);
  clients.push(client);
  return client;
}

const connectionIdOf = (deviceId: string) => h.opened.find((c) => c.deviceId === deviceId)!.connectionId;

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await h.stop();
});

describe('ws gateway: bus fan-out and close instructions', () => {
  it('writes a frame to every connection of the account except `except`, and to no other account', async () => {
    h = await startGateway();
    const a1 = await authed('alice1');
    const a2 = await authed('alice2');
    const b1 = await authed('bob1');
    const delivery = new Delivery(h.bus);
    const first = presence('acc_carol', true);
    delivery.toAccounts([acc('alice')], first, connectionIdOf('dev_alice1'));
    expect(await a2.next()).toEqual(first);
    const second = presence('acc_carol', false);
    delivery.toAccounts([acc('alice')], second);
    // a1's first frame is the second one: the first skipped it
    expect(await a1.next()).toEqual(second);
    expect(await a2.next()).toEqual(second);
    // bob got neither: its next frame is its own ping result
    expect(await b1.request({ type: 'ping', id: 'p' })).toMatchObject({ type: 'result', id: 'p' });
  });

  it('writes the published string as is', async () => {
    h = await startGateway();
    const a1 = await authed('alice1');
    const raw = '{"type":"presence","accountId":"acc_carol","online":true,  "lastSeenAt":1}';
    const received = new Promise<string>((resolve) => a1.ws.once('message', (d: Buffer) => resolve(d.toString())));
    h.bus.publish('acct.acc_alice', { frame: raw });
    expect(await received).toBe(raw);
  });

  it('a close instruction with deviceId closes only that device', async () => {
    h = await startGateway();
    const a1 = await authed('alice1');
    const a2 = await authed('alice2');
    new Delivery(h.bus).closeDevice(acc('alice'), dev('alice1'), CLOSE.sessionRevoked, 'signed out');
    expect(await a1.closed).toEqual({ code: CLOSE.sessionRevoked, reason: 'signed out' });
    expect(await a2.request({ type: 'ping', id: 'p' })).toMatchObject({ type: 'result' });
    expect(h.closed.map((c) => c.deviceId)).toEqual(['dev_alice1']);
  });

  it('a close instruction without deviceId closes all of the account, and nobody else', async () => {
    h = await startGateway();
    const a1 = await authed('alice1');
    const a2 = await authed('alice2');
    const b1 = await authed('bob1');
    new Delivery(h.bus).closeAccount(acc('alice'), CLOSE.accountDeleted, 'account deleted');
    expect((await a1.closed).code).toBe(CLOSE.accountDeleted);
    expect((await a2.closed).code).toBe(CLOSE.accountDeleted);
    expect(await b1.request({ type: 'ping', id: 'p' })).toMatchObject({ type: 'result' });
  });

  it('an invalid close code from the bus still closes (1011) and does not crash', async () => {
    h = await startGateway();
    const a1 = await authed('alice1');
    h.bus.publish('acct.acc_alice', { close: { code: 1006, reason: 'x' } });
    expect((await a1.closed).code).toBe(CLOSE.serverError);
  });

  it('subscribes acct.<id> at the first connection of the account and unsubscribes at its last', async () => {
    const bus = new CountingBus();
    h = await startGateway({ bus });
    expect(bus.live.get('acct.acc_alice') ?? 0).toBe(0);
    const a1 = await authed('alice1');
    const a2 = await authed('alice2');
    expect(bus.live.get('acct.acc_alice')).toBe(1);
    a1.close();
    await h.serverClosed(1);
    expect(bus.live.get('acct.acc_alice')).toBe(1);
    a2.close();
    await h.serverClosed(2);
    expect(bus.live.get('acct.acc_alice')).toBe(0);
  });

  it('listeners see open after ready and close once; a throwing listener is logged, not fatal', async () => {
    const events: string[] = [];
    h = await startGateway({
      listeners: [
        {
          onOpen: (c) => {
            events.push(`open ${c.deviceId}`);
            throw new Error('listener bug');
          },
          onClose: (c) => {
            events.push(`close ${c.deviceId}`);
            throw new Error('listener bug');
          },
        },
      ],
    });
    const a1 = await authed('alice1');
    expect(await a1.request({ type: 'ping', id: 'p' })).toMatchObject({ type: 'result' });
    a1.close();
    await h.serverClosed(1);
    expect(events).toEqual(['open dev_alice1', 'close dev_alice1']);
    expect(h.logs.filter((l) => l.level === 'error' && (l.obj as { err?: Error }).err?.message === 'listener bug')).toHaveLength(2);
  });

  it('close() closes every socket with 1001 and refuses new ones', async () => {
    h = await startGateway();
    const a1 = await authed('alice1');
    const pending = await TestClient.open(h.url);
    clients.push(pending);
    await h.gateway.close();
    expect(await a1.closed).toEqual({ code: CLOSE.goingAway, reason: 'server shutting down' });
    expect((await pending.closed).code).toBe(CLOSE.goingAway);
    expect(h.closed.map((c) => c.deviceId)).toEqual(['dev_alice1']);
    expect(h.gateway.connectionCount()).toBe(0);
    await expect(TestClient.open(h.url)).rejects.toThrow(/503/);
  });
});

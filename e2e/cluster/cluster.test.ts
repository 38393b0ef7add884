// A cluster of three ottr processes on one PostgreSQL database and a NATS server of the test's
// own: a node killed with SIGKILL takes its users offline for everyone (presence expires with
// the node's heartbeat) and they carry on through another node; a NATS restart loses the
// realtime frames published while it is down — the bus is at-most-once — and a device heals
// that gap by sync, while live delivery resumes by itself once NATS is back.
import { describe, expect, it } from 'vitest';
import type { WsClient } from './client.js';
import { clusterReady, startCluster, TTL_MS, type Cluster, type Event, type Session, type SyncPage } from './harness.js';
import type { NodeProcess } from './nodes.js';

describe.runIf(clusterReady)('a cluster of three processes on PostgreSQL and NATS', () => {
  const conversationOf = async (c: Cluster, node: NodeProcess, a: Session, b: Session) =>
    (await c.api<{ conversation: { id: string } }>(node, 'POST', '/v1/conversations', { kind: 'direct', peer: b.accountId }, a.accessToken)).conversation;
  let n = 0;
  const send = (ws: WsClient, conversationId: string, text: string) =>
    ws.call<{ event: Event }>({ type: 'send', conversationId, clientMsgId: `m-${++n}`, content: { kind: 'text', text } }).then((r) => r.event);

  it('a node killed with SIGKILL takes its users offline for the others; they reconnect elsewhere and talk live', async () => {
    const c = await startCluster();
    const [n1, n2, n3] = c.nodes as [NodeProcess, NodeProcess, NodeProcess];
    const ada = await c.signIn(n1);
    const ben = await c.signIn(n1);
    const conversation = await conversationOf(c, n1, ada, ben);
    const a = await c.connect(n1, ada);
    const onThree = await c.connect(n3, ben);
    const watched = await a.call<{ presence: { online: boolean }[] }>({ type: 'presence_subscribe', accountIds: [ben.accountId] });
    expect(watched.presence[0]).toMatchObject({ online: true });
    const hello = await send(a, conversation.id, 'before the crash');
    expect((await onThree.next<{ event: Event }>('event', (f) => f.event.id === hello.id)).event.seq).toBe(hello.seq);

    await n3.kill();
    expect(await onThree.closed).toBe(1006); // no close frame: the process is gone
    // n3 never said goodbye: its heartbeat stops, a surviving node expires it and announces Ben offline.
    const offline = await a.next<{ accountId: string; online: boolean }>('presence', (f) => f.accountId === ben.accountId && !f.online, TTL_MS * 20);
    expect(offline.online).toBe(false);
    const rest = await c.api<{ items: { online: boolean }[] }>(n1, 'GET', `/v1/presence?accountIds=${ben.accountId}`, undefined, ada.accessToken);
    expect(rest.items[0]).toMatchObject({ online: false });

    // Ben's device reconnects to n2: online again, and messages flow live both ways.
    const b = await c.connect(n2, ben);
    await a.next('presence', (f) => f.accountId === ben.accountId && f.online === true);
    const ping = await send(a, conversation.id, 'after the crash');
    expect((await b.next<{ event: Event }>('event', (f) => f.event.id === ping.id)).event.seq).toBe(hello.seq + 1);
    const pong = await send(b, conversation.id, 'still here, via n2');
    expect((await a.next<{ event: Event }>('event', (f) => f.event.id === pong.id)).event.seq).toBe(hello.seq + 2);
  }, 180_000);

  it('a NATS restart loses what was published meanwhile; sync heals the gap, and live delivery resumes', async () => {
    const c = await startCluster(['n1', 'n2']);
    const [n1, n2] = c.nodes as [NodeProcess, NodeProcess];
    const nats = c.nats;
    const ada = await c.signIn(n1);
    const ben = await c.signIn(n2);
    const conversation = await conversationOf(c, n2, ada, ben);
    const a = await c.connect(n1, ada);
    const b = await c.connect(n2, ben);
    let cursor = (await b.call<SyncPage>({ type: 'sync' })).cursor;
    const first = await send(a, conversation.id, 'live before');
    await b.next<{ event: Event }>('event', (f) => f.event.id === first.id);
    cursor = (await b.call<SyncPage>({ type: 'sync', since: cursor })).cursor;

    await nats.kill();
    // Both nodes noticed (they log it); from then on their publishes are dropped, not queued.
    const noticed = (node: NodeProcess) => node.output.some((l) => l.includes('NATS connection lost'));
    for (const until = Date.now() + 20_000; !noticed(n1) || !noticed(n2); await new Promise((r) => setTimeout(r, 20))) {
      if (Date.now() > until) throw new Error('the nodes did not notice NATS going down within 20 s');
    }
    // Sending still works (storage is up); the realtime frame is lost with the bus down.
    const lost = await send(a, conversation.id, 'sent while NATS is down');
    await nats.start();
    // Probe with typing (ephemeral) until a frame crosses again: both nodes have resubscribed.
    const deadline = Date.now() + 30_000;
    for (;;) {
      await a.call({ type: 'typing', conversationId: conversation.id, state: 'stopped' });
      if (await b.next('typing', () => true, 200).then(() => true, () => false)) break;
      if (Date.now() > deadline) throw new Error('live delivery did not resume within 30 s of the NATS restart');
    }
    const after = await send(a, conversation.id, 'live after');
    expect((await b.next<{ event: Event }>('event', (f) => f.event.id === after.id)).event.seq).toBe(lost.seq + 1);
    expect(b.pushed.filter((f) => f.type === 'event' && (f.event as Event).id === lost.id)).toEqual([]);

    // The device sees seq jump from first to after and syncs from its cursor: nothing is missing.
    const page = await b.call<SyncPage>({ type: 'sync', since: cursor });
    const events = page.entries.find((e) => e.conversation.id === conversation.id)!.events;
    expect(events.map((e) => e.id)).toEqual([lost.id, after.id]);
    expect(events[0]!.content?.text).toBe('sent while NATS is down');
  }, 180_000);
});

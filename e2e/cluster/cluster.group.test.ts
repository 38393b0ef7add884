// A group spread over three ottr processes: every member sends a burst at once and every device,
// wherever it is connected, gets every message live exactly once, all devices agreeing on one
// gapless seq order; receipts, typing and presence cross the nodes too.
import { describe, expect, it } from 'vitest';
import type { WsClient } from './client.js';
import { Device } from './device.js';
import { clusterReady, startCluster, waitFor } from './harness.js';
import type { NodeProcess } from './nodes.js';
import { repeated, timelineProblems } from './timeline.js';

const BURST = 20;
type Receipt = { conversationId: string; accountId: string; readSeq: number; deliveredSeq: number };

describe.runIf(clusterReady)('group traffic across three processes', () => {
  it('every device gets every message of a concurrent burst once, in one gapless order, with receipts, typing and presence across nodes', async () => {
    const c = await startCluster();
    const [n1, n2, n3] = c.nodes as [NodeProcess, NodeProcess, NodeProcess];
    const ada = await c.signIn(n1);
    const adaTablet = await c.signIn(n3, ada.email);
    const ben = await c.signIn(n2);
    const cy = await c.signIn(n3);
    const dee = await c.signIn(n2);
    const { conversation } = await c.api<{ conversation: { id: string } }>(n1, 'POST', '/v1/conversations', { kind: 'group', title: 'across nodes', members: [ben.accountId, cy.accountId, dee.accountId] }, ada.accessToken);
    const group = conversation.id;
    // Ada on n1 and n3, Ben and Dee on n2, Cy on n3.
    const devices = [new Device(c, ada, 'ada'), new Device(c, adaTablet, 'ada-tablet'), new Device(c, ben, 'ben'), new Device(c, cy, 'cy'), new Device(c, dee, 'dee')];
    const [onOne, onThree, benD, cyD, deeD] = devices as [Device, Device, Device, Device, Device];
    await Promise.all([onOne.connect(n1), onThree.connect(n3), benD.connect(n2), cyD.connect(n3), deeD.connect(n2)]);
    const ws = (d: Device): WsClient => d.ws!;
    const from = onOne.startSeq.get(group)!;
    expect(devices.map((d) => d.startSeq.get(group))).toEqual(devices.map(() => from));

    // Presence: Dee (n2) watches Cy (n3) and Ada (n1 and n3).
    const watched = await ws(deeD).call<{ presence: { accountId: string; online: boolean }[] }>({ type: 'presence_subscribe', accountIds: [cy.accountId, ada.accountId] });
    expect(watched.presence.map((p) => p.online)).toEqual([true, true]);

    // Typing from Ben on n2 reaches every other device, on all three nodes.
    await ws(benD).call({ type: 'typing', conversationId: group, state: 'typing' });
    for (const d of [onOne, onThree, cyD, deeD]) {
      expect(await ws(d).next('typing', (f) => f.accountId === ben.accountId)).toMatchObject({ conversationId: group, state: 'typing', expiresInMs: expect.any(Number) });
    }

    // The burst: every device sends 20 at once, all devices at the same time.
    const sent = (await Promise.all(devices.map((d) => Promise.all(Array.from({ length: BURST }, (_, i) => d.send(group, `${d.label} #${i}`)))))).flat();
    const to = from + sent.length;
    expect(new Set(sent.map((e) => e.seq))).toEqual(new Set(Array.from({ length: sent.length }, (_, i) => from + 1 + i)));

    // Live, every device gets every message it did not send itself, exactly once. Frames of
    // concurrent sends may arrive out of seq order (each node publishes after its own commit; no
    // sequencer orders them), so the order checked is the one a client assembles by seq, as the
    // SDK's timeline does: gapless, and the same seq for each message on every device.
    for (const d of devices) {
      const others = sent.filter((e) => !d.acked.has(e.clientMsgId!));
      const got = () => new Set(d.live.filter((e) => e.conversationId === group).map((e) => e.id));
      await waitFor(`${d.label} receiving ${others.length} messages live`, () => others.every((e) => got().has(e.id)), 60_000);
      expect([...repeated(d.live.map((e) => e.id))], d.label).toEqual([]);
      expect(timelineProblems(d.seen(group), { from, to, expected: sent }), d.label).toEqual([]);
      // …and each live frame carries the seq the author was acknowledged with: one order for all.
      for (const e of d.live) expect(e.seq, d.label).toBe(sent.find((s) => s.id === e.id)!.seq);
    }

    // Receipts: each member marks delivered, then read, up to the last seq; the authors (every
    // device of every author, on any node) learn it from each other member.
    const accounts = [ada, ben, cy, dee];
    const marker = [onOne, benD, cyD, deeD];
    for (const kind of ['delivered', 'read'] as const) {
      await Promise.all(marker.map((d) => ws(d).call({ type: kind, conversationId: group, seq: to })));
      for (const d of devices) {
        for (const other of accounts.filter((a) => a.accountId !== d.session.accountId)) {
          const r = await ws(d).next<Receipt>('receipt', (f) => f.accountId === other.accountId && (kind === 'read' ? f.readSeq : f.deliveredSeq) === to);
          expect(r, `${d.label} told of ${kind} by ${other.email}`).toMatchObject({ conversationId: group, deliveredSeq: to });
        }
      }
    }
    const summary = await c.api<{ recipients: number; delivered: number; read: number }>(n2, 'GET', `/v1/messages/${onOne.acked.values().next().value!.id}/receipts`, undefined, ada.accessToken);
    expect(summary).toMatchObject({ recipients: 3, delivered: 3, read: 3 });

    // Presence: Cy's only device (n3) leaves, and Dee on n2 sees it; Ada's tablet leaves but her
    // device on n1 keeps her online, until that one leaves too.
    await cyD.close();
    expect(await ws(deeD).next('presence', (f) => f.accountId === cy.accountId)).toMatchObject({ online: false, lastSeenAt: expect.any(Number) });
    await onThree.close();
    // Once n3 has dropped its share of Ada from the shared presence rows, her device on n1 still counts.
    const adaRows = () => c.sql<{ node: string }>('SELECT node FROM presence WHERE account_id = $1', [ada.accountId]);
    await waitFor('n3 letting go of Ada in the shared presence', async () => (await adaRows()).length === 1);
    const rest = await c.api<{ items: { online: boolean }[] }>(n2, 'GET', `/v1/presence?accountIds=${ada.accountId}`, undefined, dee.accessToken);
    expect(rest.items[0]).toMatchObject({ online: true });
    expect(ws(deeD).pushed.filter((f) => f.type === 'presence')).toEqual([]); // no offline for the tablet alone
    await onOne.close();
    expect(await ws(deeD).next('presence', (f) => f.accountId === ada.accountId)).toMatchObject({ online: false });
  }, 240_000);
});

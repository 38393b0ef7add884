// Failures while messages flow (1:1 and group, from devices on every node): a node SIGKILLed
// mid-traffic, whose devices reconnect elsewhere, sync from their saved cursor and resend what was
// not acknowledged with the same clientMsgId; and a NATS restart mid-traffic, whose lost frames
// sync brings back. Either way every acknowledged message ends up exactly once on every device of
// every member, at the seq it was acknowledged with, and the seqs stay gapless.
import { describe, expect, it } from 'vitest';
import { Device } from './device.js';
import { clusterReady, startCluster, waitFor, type Cluster } from './harness.js';
import type { NodeProcess } from './nodes.js';
import { timelineProblems } from './timeline.js';

/**
 * Each device sends, two messages in flight, in turn to each of its conversations, until stopped.
 * Each sender pauses `paceMs` after an acknowledgement: a steady load well under the per-device
 * send limit (200 a second), not a flood for a 2-core machine.
 */
function keepSending(senders: { device: Device; conversations: string[] }[], inFlight = 2, paceMs = 20) {
  let stopped = false;
  const state = { error: undefined as Error | undefined, stop: async () => {} };
  const loops = senders.flatMap(({ device, conversations }) =>
    Array.from({ length: inFlight }, async (_, worker) => {
      for (let i = worker; !stopped; i += inFlight) {
        await device.send(conversations[i % conversations.length]!, `${device.label} #${i}`);
        await new Promise((r) => setTimeout(r, paceMs));
      }
    }),
  );
  for (const loop of loops) loop.catch((error: unknown) => (state.error ??= error instanceof Error ? error : new Error(String(error))));
  state.stop = async () => {
    stopped = true;
    await Promise.all(loops);
  };
  return state;
}

/** Waits for `cond`, failing at once with the senders' error if one of them failed. */
const waitWhileSending = (traffic: { error: Error | undefined }, what: string, cond: () => boolean) =>
  waitFor(
    what,
    () => {
      if (traffic.error) throw traffic.error;
      return cond();
    },
    90_000,
  );

const total = (devices: Device[]) => devices.reduce((n, d) => n + d.acked.size, 0);

/** Every device of every member holds every acknowledged message of each conversation once, gapless. */
async function expectNothingLostOrDoubled(c: Cluster, node: NodeProcess, conversations: { id: string; members: Device[] }[], all: Device[]) {
  for (const d of all) await d.syncToEnd(); // from each one's saved cursor
  for (const { id, members } of conversations) {
    const expected = all.flatMap((d) => [...d.acked.values()]).filter((e) => e.conversationId === id);
    const { conversation } = await c.api<{ conversation: { lastSeq: number } }>(node, 'GET', `/v1/conversations/${id}`, undefined, members[0]!.session.accessToken);
    const from = members[0]!.startSeq.get(id)!;
    expect(conversation.lastSeq, `${id}: one seq per acknowledged message`).toBe(from + expected.length);
    for (const d of members) expect(timelineProblems(d.seen(id), { from, to: conversation.lastSeq, expected }), `${d.label} in ${id}`).toEqual([]);
  }
}

describe.runIf(clusterReady)('failures while messages flow through three processes', () => {
  it('a node SIGKILLed mid-traffic: its devices reconnect elsewhere, resend unacknowledged messages idempotently and sync; nothing lost, nothing doubled', async () => {
    const c = await startCluster();
    const [n1, n2, n3] = c.nodes as [NodeProcess, NodeProcess, NodeProcess];
    const [ada, ben, cy, dee] = [await c.signIn(n1), await c.signIn(n3), await c.signIn(n3), await c.signIn(n2)];
    const adaTablet = await c.signIn(n3, ada.email);
    const create = async (body: unknown) => (await c.api<{ conversation: { id: string } }>(n1, 'POST', '/v1/conversations', body, ada.accessToken)).conversation.id;
    const adaBen = await create({ kind: 'direct', peer: ben.accountId });
    const cyDee = (await c.api<{ conversation: { id: string } }>(n2, 'POST', '/v1/conversations', { kind: 'direct', peer: cy.accountId }, dee.accessToken)).conversation.id;
    const group = await create({ kind: 'group', title: 'under fire', members: [ben.accountId, cy.accountId, dee.accountId] });
    let turn = 0;
    const survivor = () => [n1, n2][turn++ % 2]!;
    const dev = (s: typeof ada, label: string) => new Device(c, s, label, survivor);
    const [onOne, tablet, benD, cyD, deeD] = [dev(ada, 'ada'), dev(adaTablet, 'ada-tablet'), dev(ben, 'ben'), dev(cy, 'cy'), dev(dee, 'dee')];
    const all = [onOne, tablet, benD, cyD, deeD];
    const onN3 = [tablet, benD, cyD];
    await Promise.all([onOne.connect(n1), tablet.connect(n3), benD.connect(n3), cyD.connect(n3), deeD.connect(n2)]);

    const traffic = keepSending([
      { device: onOne, conversations: [adaBen, group] },
      { device: tablet, conversations: [group, adaBen] },
      { device: benD, conversations: [adaBen, group] },
      { device: cyD, conversations: [cyDee, group] },
      { device: deeD, conversations: [group, cyDee] },
    ]);
    await waitWhileSending(traffic, 'traffic under way', () => onN3.every((d) => d.acked.size >= 10));
    // One message is stored but its reply never reaches the tablet (as if the crash had cut it off).
    const replyLost = tablet.sendLosingAck(group, 'stored, but the reply is lost');
    const stored = () => onOne.live.find((e) => e.clientMsgId === replyLost);
    await waitWhileSending(traffic, 'the message whose reply is lost reaching Ada on n1', () => stored() !== undefined);
    await n3.kill();
    const atKill = new Map(all.map((d) => [d, d.acked.size]));
    // Traffic goes on until n3's devices are back through n1/n2 and have each sent 10 more.
    await waitWhileSending(traffic, "n3's devices back and sending", () => onN3.every((d) => d.reconnectedTo.length > 0 && d.acked.size >= atKill.get(d)! + 10));
    await traffic.stop();
    expect(traffic.error).toBeUndefined();

    expect(onN3.map((d) => d.reconnectedTo.length)).toEqual([1, 1, 1]);
    expect([onOne, deeD].map((d) => d.reconnectedTo.length)).toEqual([0, 0]); // their nodes lived on
    expect(all.map((d) => d.pending.size)).toEqual([0, 0, 0, 0, 0]);
    // The kill cut sends off in flight; they were resent with their clientMsgId after the sync.
    expect(onN3.reduce((n, d) => n + d.resent.size, 0)).toBeGreaterThan(0);
    // Resent with its clientMsgId, the stored message is answered with itself, not stored again.
    expect(tablet.resent.has(replyLost)).toBe(true);
    expect(tablet.acked.get(replyLost)).toEqual(stored());
    await expectNothingLostOrDoubled(
      c,
      n1,
      [
        { id: adaBen, members: [onOne, tablet, benD] },
        { id: cyDee, members: [cyD, deeD] },
        { id: group, members: all },
      ],
      all,
    );
  }, 300_000);

  it('NATS restarted mid-traffic: what was published meanwhile is lost live and comes back by sync; nothing doubled', async () => {
    const c = await startCluster();
    const [n1, n2, n3] = c.nodes as [NodeProcess, NodeProcess, NodeProcess];
    const [ada, ben, cy] = [await c.signIn(n1), await c.signIn(n2), await c.signIn(n3)];
    const create = async (body: unknown) => (await c.api<{ conversation: { id: string } }>(n1, 'POST', '/v1/conversations', body, ada.accessToken)).conversation.id;
    const adaBen = await create({ kind: 'direct', peer: ben.accountId });
    const adaCy = await create({ kind: 'direct', peer: cy.accountId });
    const group = await create({ kind: 'group', title: 'through the outage', members: [ben.accountId, cy.accountId] });
    const [adaD, benD, cyD] = [new Device(c, ada, 'ada'), new Device(c, ben, 'ben'), new Device(c, cy, 'cy')];
    const all = [adaD, benD, cyD];
    await Promise.all([adaD.connect(n1), benD.connect(n2), cyD.connect(n3)]);

    const traffic = keepSending([
      { device: adaD, conversations: [adaBen, group, adaCy] },
      { device: benD, conversations: [group, adaBen] },
      { device: cyD, conversations: [adaCy, group] },
    ]);
    await waitWhileSending(traffic, 'traffic under way', () => total(all) >= 30);
    await c.nats.kill();
    const noticed = (node: NodeProcess) => node.output.some((l) => l.includes('NATS connection lost'));
    await waitWhileSending(traffic, 'every node noticing NATS is down', () => c.nodes.every(noticed));
    const down = total(all);
    await waitWhileSending(traffic, 'sending on while NATS is down', () => total(all) >= down + 30); // stored, not fanned out
    await c.nats.start();
    const restarted = new Map(all.map((d) => [d, d.acked.size]));
    // Live delivery resumes by itself: a message acknowledged after the restart reaches a device on another node.
    const sentSince = () => new Set(all.flatMap((d) => [...d.acked.values()].slice(restarted.get(d))).map((e) => e.id));
    await waitWhileSending(traffic, 'live delivery resuming after the NATS restart', () => {
      const since = sentSince();
      return all.some((d) => d.live.some((e) => since.has(e.id)));
    });
    const resumed = total(all);
    await waitWhileSending(traffic, 'traffic after the restart', () => total(all) >= resumed + 30);
    await traffic.stop();
    expect(traffic.error).toBeUndefined();
    expect(all.map((d) => d.reconnectedTo.length)).toEqual([0, 0, 0]); // the sockets to the nodes stayed up

    // Frames were lost live (the bus is at-most-once): some recipient got a message only by sync.
    const memberOf = new Map([[adaBen, [adaD, benD]], [adaCy, [adaD, cyD]], [group, all]]);
    const lostLive = all
      .flatMap((sender) => [...sender.acked.values()].map((e) => ({ sender, e })))
      .filter(({ sender, e }) => memberOf.get(e.conversationId)!.some((d) => d !== sender && !d.live.some((l) => l.id === e.id)));
    expect(lostLive.length).toBeGreaterThan(0);
    await expectNothingLostOrDoubled(
      c,
      n2,
      [...memberOf].map(([id, members]) => ({ id, members })),
      all,
    );
  }, 300_000);
});

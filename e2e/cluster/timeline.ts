/**
 * What a device ends up holding of one conversation, checked the way a user relies on it: every
 * message it should have, each once, at one seq, with no gap and nothing extra.
 */

export type TimelineEvent = { id: string; seq: number; type: string; sender: string; clientMsgId?: string };

/**
 * Problems of a device's view of one conversation (empty when there are none).
 *
 * `seen` is everything the device was handed — live frames, sync pages, its own send results —
 * in any order and with repeats (the protocol allows an event to arrive live and by sync). Taken
 * by event id, it must hold each seq in (`from`, `to`] exactly once, every `expected` event at
 * its seq, and no other message: a resend stored twice shows up as a second id (and a second
 * seq) for one clientMsgId.
 */
export function timelineProblems(seen: readonly TimelineEvent[], o: { from: number; to: number; expected: readonly TimelineEvent[] }): string[] {
  const problems: string[] = [];
  const byId = new Map<string, TimelineEvent>();
  for (const e of seen) {
    const had = byId.get(e.id);
    if (!had) byId.set(e.id, e);
    else if (had.seq !== e.seq) problems.push(`${e.id} came at seq ${had.seq} and at seq ${e.seq}`);
  }
  const bySeq = new Map<number, string>();
  const byClientMsgId = new Map<string, string>();
  for (const e of byId.values()) {
    if (e.seq <= o.from) continue;
    if (e.seq > o.to) problems.push(`${e.id} at seq ${e.seq}, beyond the last seq ${o.to}`);
    const atSeq = bySeq.get(e.seq);
    if (atSeq !== undefined) problems.push(`seq ${e.seq} holds both ${atSeq} and ${e.id}`);
    else bySeq.set(e.seq, e.id);
    if (e.clientMsgId === undefined) continue;
    const key = `${e.sender} ${e.clientMsgId}`;
    const twin = byClientMsgId.get(key);
    if (twin !== undefined) problems.push(`clientMsgId ${e.clientMsgId} of ${e.sender} stored twice: ${twin} and ${e.id}`);
    else byClientMsgId.set(key, e.id);
  }
  for (let seq = o.from + 1; seq <= o.to; seq++) if (!bySeq.has(seq)) problems.push(`seq ${seq} missing`);
  const expectedIds = new Set<string>();
  for (const e of o.expected) {
    expectedIds.add(e.id);
    const got = byId.get(e.id);
    if (!got) problems.push(`${e.id} (seq ${e.seq}) never arrived`);
    else if (got.seq !== e.seq) problems.push(`${e.id} arrived at seq ${got.seq}, acknowledged at seq ${e.seq}`);
  }
  for (const e of byId.values()) {
    if (e.seq > o.from && e.type === 'message' && !expectedIds.has(e.id)) problems.push(`${e.id} (seq ${e.seq}, clientMsgId ${e.clientMsgId}) was never acknowledged to anyone`);
  }
  return problems;
}

/** Ids that occur more than once, with their counts. */
export function repeated(ids: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  for (const [id, n] of counts) if (n === 1) counts.delete(id);
  return counts;
}

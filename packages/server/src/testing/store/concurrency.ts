import type { ConversationEvent, ConversationId, DeviceId, MessageId } from '@ottr/protocol';
import { describe, expect } from 'vitest';
import type { Suite } from './fixtures.js';

export function concurrencyTests(s: Suite): void {
  const { f, test } = s;

  const seqsOf = (events: ConversationEvent[]) => events.map((e) => e.seq);
  const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  describe('seq under concurrency', () => {
    test('500 concurrent appends to one conversation get unique, gapless seqs', async () => {
      const [a, b] = await f.accounts(2);
      const id = await f.direct(a!, b!);
      const results = await Promise.all(Array.from({ length: 500 }, (_, i) => f.send(id, i % 2 ? a! : b!, `m${i}`)));
      const seqs = results.map((r) => r.event.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(range(501).slice(1));
      const history = await f.history(id);
      expect(seqsOf(history)).toEqual(range(501));
      expect(new Set(history.map((e) => e.id)).size).toBe(501);
      expect((await s.store.conversations.get(id))?.lastSeq).toBe(501);
      for (const r of results) expect(history[r.event.seq - 1]?.id).toBe(r.event.id);
    });

    test('appends interleaved across conversations keep each conversation gapless', async () => {
      const accounts = await f.accounts(6);
      const ids: ConversationId[] = [];
      for (let i = 0; i < 5; i++) ids.push(await f.direct(accounts[i]!, accounts[i + 1]!));
      const results = await Promise.all(Array.from({ length: 400 }, (_, i) => f.send(ids[(i * 7) % 5]!, accounts[(i * 7) % 5]!, `m${i}`)));
      for (const id of ids) {
        const mine = results.filter((r) => r.event.conversationId === id).map((r) => r.event.seq).sort((x, y) => x - y);
        expect(mine).toEqual(range(81).slice(1));
        expect(seqsOf(await f.history(id))).toEqual(range(81));
      }
    });

    test('in one batch only the failing operations fail; a resend and a failure take no seq', async () => {
      const [a, b] = await f.accounts(2);
      const id = await f.direct(a!, b!);
      const device = 'dev_batch' as DeviceId;
      const first = await f.send(id, a!, 'first', { deviceId: device, clientMsgId: 'k1' });
      // Queued in one turn of the event loop: one group commit where the adapter has one.
      const [fresh, resend, edit, unknown, odd, again, last] = await Promise.allSettled([
        f.send(id, a!, 'fresh', { deviceId: device, clientMsgId: 'k2' }),
        f.send(id, a!, 'first (resent)', { deviceId: device, clientMsgId: 'k1' }),
        f.edit(id, a!, f.id<MessageId>('message'), 'no such message'),
        f.send(f.id<ConversationId>('conversation'), a!, 'nowhere'),
        // A key some databases refuse (PostgreSQL text holds no NUL): it may fail, alone.
        f.send(id, b!, 'odd key', { clientMsgId: 'nul\u0000key' }),
        f.send(id, a!, 'fresh (resent at once)', { deviceId: device, clientMsgId: 'k2' }),
        f.send(id, b!, 'last'),
      ]);
      const value = <T>(r: PromiseSettledResult<T>): T => {
        expect(r.status).toBe('fulfilled');
        return (r as PromiseFulfilledResult<T>).value;
      };
      expect(value(resend)).toEqual({ event: first.event, duplicate: true });
      expect(value(fresh).duplicate).toBe(false);
      expect(value(again)).toEqual({ event: value(fresh).event, duplicate: true });
      expect(value(last).duplicate).toBe(false);
      for (const failed of [edit, unknown]) expect(failed).toMatchObject({ status: 'rejected', reason: { name: 'AppError', code: 'not_found' } });
      const appended = [value(fresh).event, value(last).event, ...(odd.status === 'fulfilled' ? [odd.value.event] : [])];
      const history = await f.history(id);
      expect(seqsOf(history)).toEqual(range(2 + appended.length));
      for (const e of appended) expect(history[e.seq - 1]).toEqual(e);
      expect((await s.store.conversations.get(id))?.lastSeq).toBe(history.length);
      expect((await f.send(id, a!, 'after')).event.seq).toBe(history.length + 1);
    });

    test('appends racing with membership changes and receipts stay gapless', async () => {
      const [owner, ...others] = await f.accounts(11);
      const id = await f.group(owner!, others.slice(0, 5));
      const ops: Promise<unknown>[] = [];
      for (let i = 0; i < 100; i++) {
        ops.push(f.send(id, owner!, `m${i}`));
        if (i % 20 === 0) ops.push(s.store.conversations.addMembers(id, [others[5 + i / 20]!], 'member', f.actor(owner!), null, () => f.id('event')));
        if (i % 10 === 0) ops.push(s.store.conversations.moveReceipt(id, others[0]!, 'read', i, []));
      }
      ops.push(s.store.conversations.updateInfo(id, { title: 'Renamed' }, f.actor(owner!), () => f.id('event')));
      await Promise.all(ops);
      const history = await f.history(id);
      expect(seqsOf(history)).toEqual(range(history.length));
      expect(history.length).toBe(6 + 100 + 5 + 1);
      expect((await s.store.conversations.get(id))?.lastSeq).toBe(history.length);
    });
  });
}

import { describe, expect, it } from 'vitest';
import type { AccountId, ConversationId, MessageEvent } from '@ottr/protocol';
import type { Connection } from './connection.js';
import { OttrError } from './errors.js';
import { fakePlatform } from './fake-platform.js';
import { Outbox, type OutboxItem } from './outbox.js';
import { KEYS, MemoryStore } from './store.js';

const ME = 'acc_01JDQ3ZB7W8Q0K1S2V3X4Y5ME0' as AccountId;
const C1 = 'cnv_01JDQ3ZB7W8Q0K1S2V3X4Y5Z61' as ConversationId;
const C2 = 'cnv_01JDQ3ZB7W8Q0K1S2V3X4Y5Z62' as ConversationId;

function item(clientMsgId: string, conversationId = C1): OutboxItem {
  return { clientMsgId, conversationId, sender: ME, content: { kind: 'text', text: clientMsgId }, createdAt: 0, status: 'pending' };
}

/** A live connection whose answers the test scripts, one per send, in order. */
function connection(answers: ((frame: { clientMsgId: string }) => unknown)[]) {
  const sent: { clientMsgId: string; conversationId: string }[] = [];
  let seq = 0;
  const conn = {
    state: 'live',
    request: async (frame: { clientMsgId: string; conversationId: string }) => {
      sent.push(frame);
      const answer = answers.shift() ?? (() => ({ event: { seq: ++seq, clientMsgId: frame.clientMsgId } as unknown as MessageEvent }));
      return answer(frame);
    },
  };
  return { conn: conn as unknown as Connection, sent, raw: conn };
}

async function setup() {
  const fake = fakePlatform();
  const store = new MemoryStore();
  const statuses: string[] = [];
  const outbox = new Outbox(store, fake.platform, {
    onSent: () => {},
    onStatus: (i) => statuses.push(`${i.clientMsgId}:${i.status}${i.error ? `:${i.error.code}` : ''}`),
    onError: () => {},
  });
  await outbox.load();
  return { fake, store, statuses, outbox };
}

describe('Outbox', () => {
  it('sends one conversation’s messages one at a time in the order written; conversations in parallel', async () => {
    const { fake, outbox } = await setup();
    for (const id of ['a1', 'a2', 'a3']) outbox.add(item(id));
    outbox.add(item('b1', C2));
    const { conn, sent } = connection([]);
    outbox.flush(conn);
    await fake.flush();
    expect(sent.filter((f) => f.conversationId === C1).map((f) => f.clientMsgId)).toEqual(['a1', 'a2', 'a3']);
    expect(sent.map((f) => f.clientMsgId)).toContain('b1');
    expect(outbox.all().map((i) => i.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
  });

  it('a send without an answer in time is sent again with the same clientMsgId', async () => {
    const { fake, outbox, statuses } = await setup();
    outbox.add(item('m1'));
    const { conn, sent } = connection([
      () => {
        throw new OttrError('timeout');
      },
    ]);
    outbox.flush(conn);
    await fake.advance(1000);
    expect(sent.map((f) => f.clientMsgId)).toEqual(['m1', 'm1']);
    expect(statuses).toEqual(['m1:sent']);
  });

  it('a refusal for good fails that message with its code and the next ones go on; retry() sends it again', async () => {
    const { fake, outbox, statuses, store } = await setup();
    outbox.add(item('m1'));
    outbox.add(item('m2'));
    const { conn, sent } = connection([
      () => {
        throw new OttrError('blocked');
      },
    ]);
    outbox.flush(conn);
    await fake.flush();
    expect(statuses).toEqual(['m1:failed:blocked', 'm2:sent']);
    expect(((await store.get(KEYS.outbox)) as OutboxItem[]).map((i) => i.status)).toEqual(['failed', 'sent']);
    outbox.retry('m1');
    outbox.flush(conn);
    await fake.flush();
    expect(sent.map((f) => f.clientMsgId)).toEqual(['m1', 'm2', 'm1']);
    expect(statuses.slice(2)).toEqual(['m1:pending', 'm1:sent']);
  });

  it('stops when the connection goes and leaves the message pending for the next live', async () => {
    const { fake, outbox, statuses } = await setup();
    outbox.add(item('m1'));
    const { conn, raw, sent } = connection([
      () => {
        raw.state = 'backing-off';
        throw new OttrError('disconnected');
      },
    ]);
    outbox.flush(conn);
    await fake.advance(10_000);
    expect(sent).toHaveLength(1);
    expect(outbox.get('m1')?.status).toBe('pending');
    raw.state = 'live';
    outbox.flush(conn);
    await fake.flush();
    expect(sent.map((f) => f.clientMsgId)).toEqual(['m1', 'm1']);
    expect(statuses).toEqual(['m1:sent']);
  });

  it('keeps items across restarts; one that was sent but not yet applied is pending again', async () => {
    const { fake, outbox, store } = await setup();
    outbox.add(item('m1'));
    outbox.add(item('m2'));
    const { conn } = connection([]);
    outbox.flush(conn);
    await fake.flush();
    await outbox.persist();
    const again = new Outbox(store, fake.platform, { onSent: () => {}, onStatus: () => {}, onError: () => {} });
    again.add(item('m3')); // written before the store was read: stays after the saved ones
    await again.load();
    expect(again.all().map((i) => `${i.clientMsgId}:${i.status}`)).toEqual(['m1:pending', 'm2:pending', 'm3:pending']);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import type { AccountId, ConversationEvent, ConversationId, ConversationListItem, MessageEvent } from '@ottr/protocol';
import type { ClientEvents } from './events.js';
import { fakePlatform, type FakePlatform } from './fake-platform.js';
import { Outbox } from './outbox.js';
import type { RestClient } from './rest.js';
import { MemoryStore } from './store.js';
import { Timeline } from './timeline.js';

const ME = 'acc_01JDQ3ZB7W8Q0K1S2V3X4Y5ME0' as AccountId;
const PEER = 'acc_01JDQ3ZB7W8Q0K1S2V3X4Y5PE0' as AccountId;
const CID = 'cnv_01JDQ3ZB7W8Q0K1S2V3X4Y5Z6A' as ConversationId;

const msgId = (seq: number) => `msg_01JDQ3ZB7W8Q0K1S2V3X4Y${String(seq).padStart(4, '0')}` as MessageEvent['id'];

function message(seq: number, text = `m${seq}`, sender: AccountId = PEER): MessageEvent {
  return { id: msgId(seq), conversationId: CID, seq, at: 1000 + seq, sender, type: 'message', clientMsgId: `c${seq}`, content: { kind: 'text', text } };
}

function item(lastSeq: number, joinedSeq = 1): ConversationListItem {
  return {
    conversation: { id: CID, kind: 'direct', title: null, description: null, participants: [ME, PEER], createdAt: 1000, lastSeq, lastEventAt: 1000 + lastSeq, memberCount: 2 },
    membership: { conversationId: CID, accountId: ME, role: 'member', status: 'active', joinedSeq, readSeq: 0, deliveredSeq: 0, muteUntil: null, archived: false, pinned: false },
    unreadCount: 0,
    lastEvent: null,
  };
}

class FlakyStore extends MemoryStore {
  failNext = 0;
  override async write(entries: ReadonlyArray<readonly [string, unknown]>): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('disk full');
    }
    return super.write(entries);
  }
}

interface Setup {
  fake: FakePlatform;
  store: FlakyStore;
  timeline: Timeline;
  emitted: { name: keyof ClientEvents; payload: unknown }[];
  calls: { op: string; input: unknown }[];
  /** Events the fake server holds, for history answers. */
  server: ConversationEvent[];
  view: ConversationListItem;
}

function setup(): Setup {
  const fake = fakePlatform();
  const store = new FlakyStore();
  const s = { fake, store, emitted: [], calls: [], server: [], view: item(0) } as unknown as Setup;
  const rest = {
    request: async (op: string, input: { query?: { after?: number; limit?: number } }) => {
      s.calls.push({ op, input });
      if (op === 'listEvents') {
        const after = input.query?.after ?? 0;
        const events = s.server.filter((e) => e.seq > after).slice(0, input.query?.limit ?? 50);
        const last = s.server.at(-1)?.seq ?? 0;
        return { events, before: null, after: events.length > 0 && events.at(-1)!.seq < last ? events.at(-1)!.seq : null };
      }
      if (op === 'getConversation') return s.view;
      throw new Error(`unexpected ${op}`);
    },
  } as unknown as RestClient;
  const outbox = new Outbox(store, fake.platform, { onSent: () => {}, onStatus: () => {}, onError: () => {} });
  s.timeline = new Timeline({
    store,
    rest,
    platform: fake.platform,
    outbox,
    me: () => ME,
    emit: (name, payload) => void s.emitted.push({ name, payload }),
    onReceived: () => {},
    reorderWindowMs: 300,
    messagesPerConversation: 500,
  });
  return s;
}

const texts = (s: Setup) => s.timeline.messagesOf(CID).map((m) => (m.content?.kind === 'text' ? m.content.text : null));
const announced = (s: Setup) =>
  s.emitted.filter((e) => e.name === 'message').map((e) => ((e.payload as ClientEvents['message']).event.content as { text: string }).text);

describe('Timeline', () => {
  let s: Setup;
  beforeEach(async () => {
    s = setup();
    s.server = [message(1)];
    await s.timeline.mergeView(item(1));
    s.emitted.length = 0;
  });

  it('applies events once, in seq order; repeats are ignored', async () => {
    await s.timeline.ingest(CID, [message(2), message(3)], 'live');
    await s.timeline.ingest(CID, [message(2)], 'sync');
    await s.timeline.ingest(CID, [message(3), message(2)], 'live');
    expect(texts(s)).toEqual(['m2', 'm3']);
    expect(announced(s)).toEqual(['m2', 'm3']);
    expect(s.timeline.record(CID)!.appliedSeq).toBe(3);
    expect(s.timeline.record(CID)!.item.unreadCount).toBe(2);
  });

  it('holds an early event until the one before it arrives (no history request)', async () => {
    await s.timeline.ingest(CID, [message(3)], 'live');
    expect(announced(s)).toEqual([]);
    await s.fake.advance(100);
    await s.timeline.ingest(CID, [message(2)], 'live');
    expect(announced(s)).toEqual(['m2', 'm3']);
    await s.fake.advance(1000);
    expect(s.calls.filter((c) => c.op === 'listEvents')).toEqual([]);
  });

  it('fills a gap that does not close by itself from history (after) before announcing what follows', async () => {
    s.server = [1, 2, 3, 4].map((n) => message(n));
    await s.timeline.ingest(CID, [message(4)], 'live');
    expect(announced(s)).toEqual([]);
    await s.fake.advance(300);
    expect(s.calls.filter((c) => c.op === 'listEvents').map((c) => c.input)).toEqual([{ params: { conversationId: CID }, query: { after: 1, limit: 100 } }]);
    expect(announced(s)).toEqual(['m2', 'm3', 'm4']);
    expect(s.emitted.filter((e) => e.name === 'event').map((e) => (e.payload as ClientEvents['event']).source)).toEqual(['history', 'history', 'live']);
  });

  it('a failed store write changes nothing in memory and announces nothing; the events apply later, once', async () => {
    s.store.failNext = 1;
    await expect(s.timeline.ingest(CID, [message(2)], 'live')).rejects.toThrow('disk full');
    expect(texts(s)).toEqual([]);
    expect(s.timeline.record(CID)!.appliedSeq).toBe(1);
    expect(announced(s)).toEqual([]);
    await s.timeline.ingest(CID, [message(3)], 'live'); // the held 2 applies with it
    expect(texts(s)).toEqual(['m2', 'm3']);
    expect(announced(s)).toEqual(['m2', 'm3']);
  });

  it('applies edits, deletes and reactions to the cached message, idempotently', async () => {
    const base = { conversationId: CID, at: 2000, sender: PEER };
    const events: ConversationEvent[] = [
      message(2, 'first'),
      { ...base, id: 'evt_01JDQ3ZB7W8Q0K1S2V3X4Y0003' as never, seq: 3, type: 'edit', messageId: msgId(2), content: { kind: 'text', text: 'edited' } },
      { ...base, id: 'evt_01JDQ3ZB7W8Q0K1S2V3X4Y0004' as never, seq: 4, type: 'reaction', messageId: msgId(2), emoji: '👍', action: 'add' },
      { ...base, id: 'evt_01JDQ3ZB7W8Q0K1S2V3X4Y0005' as never, seq: 5, type: 'reaction', messageId: msgId(2), emoji: '👍', action: 'add', sender: ME },
    ];
    await s.timeline.ingest(CID, events, 'live');
    await s.timeline.ingest(CID, events, 'sync');
    const m = s.timeline.messagesOf(CID)[0]!;
    expect(m.content).toEqual({ kind: 'text', text: 'edited' });
    expect(m.editedAt).toBe(2000);
    expect(m.reactions).toEqual([{ emoji: '👍', count: 2, accountIds: [PEER, ME] }]);
    await s.timeline.ingest(CID, [{ ...base, id: 'evt_01JDQ3ZB7W8Q0K1S2V3X4Y0006' as never, seq: 6, type: 'delete', messageId: msgId(2) }], 'live');
    const d = s.timeline.messagesOf(CID)[0]!;
    expect(d.deletedAt).toBe(2000);
    expect(d.content).toBeNull();
    expect(d.reactions).toEqual([]);
    expect(s.timeline.record(CID)!.item.unreadCount).toBe(0);
  });

  it('a conversation first seen through a live event is fetched, and its earlier events from joinedSeq are filled in', async () => {
    const other = setup();
    other.view = item(3);
    other.server = [1, 2, 3].map((n) => message(n));
    await other.timeline.ingest(CID, [message(3)], 'live');
    expect(other.calls.map((c) => c.op)).toEqual(['getConversation']);
    await other.fake.advance(300);
    expect(announced(other)).toEqual(['m1', 'm2', 'm3']);
    expect(other.timeline.list().map((i) => i.conversation.id)).toEqual([CID]);
  });

  it('sync entries: a new conversation in a snapshot starts at its last seq; later entries bring their events', async () => {
    const other = setup();
    await other.timeline.applyEntry({ ...item(5), events: [], receipts: [], partial: false }, true);
    expect(other.timeline.record(CID)!.appliedSeq).toBe(5);
    await other.timeline.applyEntry({ ...item(7), unreadCount: 2, events: [message(6), message(7)], receipts: [{ accountId: PEER, readSeq: 5, deliveredSeq: 7 }], partial: false }, false);
    expect(announced(other)).toEqual(['m6', 'm7']);
    expect(other.timeline.record(CID)!.item.unreadCount).toBe(2);
    expect(other.timeline.record(CID)!.receipts[PEER]).toEqual({ accountId: PEER, readSeq: 5, deliveredSeq: 7 });
  });

  it('statuses of your own messages follow the peer’s pointers and only move forward', async () => {
    await s.timeline.ingest(CID, [message(2, 'mine', ME), message(3, 'mine too', ME)], 'live');
    expect(s.timeline.messagesOf(CID).map((m) => m.status)).toEqual(['sent', 'sent']);
    await s.timeline.applyReceipt(CID, { accountId: PEER, readSeq: 0, deliveredSeq: 3 });
    await s.timeline.applyReceipt(CID, { accountId: PEER, readSeq: 2, deliveredSeq: 3 });
    await s.timeline.applyReceipt(CID, { accountId: PEER, readSeq: 1, deliveredSeq: 1 }); // an older one
    expect(s.timeline.messagesOf(CID).map((m) => m.status)).toEqual(['read', 'delivered']);
    const statuses = s.emitted.filter((e) => e.name === 'status').map((e) => (e.payload as ClientEvents['status']).status);
    expect(statuses).toEqual(['delivered', 'delivered', 'read']);
  });
});

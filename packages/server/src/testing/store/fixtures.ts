import {
  EventSchema, SyncEntrySchema, type AccountId, type Content, type ConversationEvent, type ConversationId, type DeviceId, type EventId, type IdKind, type MediaId,
  type MessageId,
} from '@ottr/protocol';
import { Value } from '@sinclair/typebox/value';
import { expect, it } from 'vitest';
import { UlidGenerator } from '../../adapters/system-clock.js';
import type { AppendResult, MediaRecord, Store, SyncEntryRecord } from '../../ports/index.js';

/** What every part of the suite gets: the store of the running test and `test` (gap-aware `it`). */
export interface Suite {
  readonly store: Store;
  readonly f: Fixture;
  readonly test: (name: string, fn: () => Promise<void>) => void;
  /** Opens another fresh store of the same adapter (the caller closes it). */
  readonly open: () => Promise<Store>;
}

export function makeTest(gaps: Readonly<Record<string, string>>): Suite['test'] {
  return (name, fn) => {
    const reason = gaps[name];
    if (reason === undefined) it(name, fn);
    else it.skip(`${name} (gap: ${reason})`, fn);
  };
}

/** Builds accounts, conversations and events with fresh ids and an increasing clock. */
export class Fixture {
  private readonly ids = new UlidGenerator();
  private clock = 1_700_000_000_000;

  constructor(private readonly store: () => Store) {}

  id<T extends string>(kind: IdKind): T {
    return this.ids.next(kind) as T;
  }

  /** A later time on every call. */
  now(): number {
    return (this.clock += 1000);
  }

  async account(email?: string): Promise<AccountId> {
    const id = this.id<AccountId>('account');
    await this.store().accounts.create({
      id, phone: null, email: email ?? `${id.toLowerCase()}@example.test`, displayName: id.slice(-6), about: '', avatar: null,
      presencePrivacy: 'everyone', createdAt: this.now(),
    });
    return id;
  }

  async accounts(n: number): Promise<AccountId[]> {
    const out: AccountId[] = [];
    for (let i = 0; i < n; i++) out.push(await this.account());
    return out;
  }

  async direct(a: AccountId, b: AccountId): Promise<ConversationId> {
    const r = await this.store().conversations.getOrCreateDirect(a, b, this.id('conversation'), this.id('event'), this.now());
    return r.conversation.id;
  }

  async group(owner: AccountId, members: readonly AccountId[], opts: { kind?: 'group' | 'channel'; cap?: number } = {}): Promise<ConversationId> {
    const r = await this.store().conversations.createGroup({
      id: this.id('conversation'), kind: opts.kind ?? 'group', title: 'Team', description: null, owner: this.actor(owner),
      members, cap: opts.cap ?? null, newEventId: () => this.id('event'),
    });
    return r.conversation.id;
  }

  /** A media record as ingest makes it (a ready PNG unless `fields` say otherwise), not yet stored. */
  mediaRecord(ownerId: AccountId, fields: Partial<MediaRecord> = {}): MediaRecord {
    const id = this.id<MediaId>('media');
    return {
      id, ownerId, kind: 'image', status: 'ready', mime: 'image/png', size: 1000, sha256: 'ab'.repeat(32), key: `${id}/original`, name: null,
      width: null, height: null, durationMs: null, blurhash: null, waveform: null, thumbnail: null, poster: null, error: null,
      createdAt: this.now(), releasedAt: null, ...fields,
    };
  }

  /** Stores a media record (without a job); returns its id. */
  async media(ownerId: AccountId, fields: Partial<MediaRecord> = {}): Promise<MediaId> {
    const record = this.mediaRecord(ownerId, fields);
    await this.store().media.create(record, null);
    return record.id;
  }

  actor(accountId: AccountId) {
    return { accountId, at: this.now() };
  }

  send(conversationId: ConversationId, sender: AccountId, content: Content | string, opts: { deviceId?: DeviceId; clientMsgId?: string } = {}): Promise<AppendResult> {
    return this.store().events.append({
      type: 'message', id: this.id<MessageId>('message'), conversationId, sender, at: this.now(),
      deviceId: opts.deviceId ?? (`dev_${sender.slice(4)}` as DeviceId), clientMsgId: opts.clientMsgId ?? this.id('event'),
      content: typeof content === 'string' ? { kind: 'text', text: content } : content,
    });
  }

  edit(conversationId: ConversationId, sender: AccountId, messageId: MessageId, text: string): Promise<AppendResult> {
    return this.store().events.append({ type: 'edit', id: this.id<EventId>('event'), conversationId, sender, at: this.now(), messageId, content: { kind: 'text', text } });
  }

  remove(conversationId: ConversationId, sender: AccountId, messageId: MessageId): Promise<AppendResult> {
    return this.store().events.append({ type: 'delete', id: this.id<EventId>('event'), conversationId, sender, at: this.now(), messageId });
  }

  react(conversationId: ConversationId, sender: AccountId, messageId: MessageId, emoji: string, action: 'add' | 'remove' = 'add'): Promise<AppendResult> {
    return this.store().events.append({ type: 'reaction', id: this.id<EventId>('event'), conversationId, sender, at: this.now(), messageId, emoji, action });
  }

  /** Every event of a conversation, ascending. */
  async history(conversationId: ConversationId): Promise<ConversationEvent[]> {
    const out: ConversationEvent[] = [];
    for (;;) {
      const page = await this.store().events.page(conversationId, { after: out.at(-1)?.seq ?? 0, limit: 100, minSeq: 1 });
      if (page.length === 0) return out;
      for (const e of page) expectWire(EventSchema, e);
      out.push(...page);
    }
  }

  /** Pages sync from `cursor` until caught up; returns all entries and the final cursor. */
  async syncAll(accountId: AccountId, cursor: string | null, limit = 100): Promise<{ entries: SyncEntryRecord[]; cursor: string; pages: number }> {
    const entries: SyncEntryRecord[] = [];
    for (let pages = 1; ; pages++) {
      const page = await this.store().sync.page(accountId, cursor, limit);
      for (const { lastEvent, ...wire } of page.entries) {
        expectWire(SyncEntrySchema, wire);
        if (lastEvent !== null) expectWire(EventSchema, lastEvent);
      }
      entries.push(...page.entries);
      cursor = page.cursor;
      if (!page.hasMore) return { entries, cursor, pages };
      expect(pages).toBeLessThan(1000);
    }
  }
}

/** Asserts that a value is exactly what the protocol schema allows (no missing or extra fields). */
export function expectWire(schema: Parameters<typeof Value.Check>[0], value: unknown): void {
  expect([...Value.Errors(schema, value)].map((e) => `${e.path}: ${e.message}`)).toEqual([]);
}

/** Asserts that a promise rejects with an AppError of `code`. */
export async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  await expect(p).rejects.toMatchObject({ name: 'AppError', code });
}

export const text = (e: ConversationEvent | null | undefined): string | undefined => {
  if (e === null || e === undefined || (e.type !== 'message' && e.type !== 'edit')) return undefined;
  return e.content?.kind === 'text' ? e.content.text : undefined;
};

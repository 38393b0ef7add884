import type {
  AccountId,
  ConversationEvent,
  ConversationId,
  ConversationListItem,
  Identifier,
  Member,
  MembershipPatch,
} from '@ottr/protocol';
import type { ClientCore } from '../client.js';
import { OttrError } from '../errors.js';

/** The end of time for `mute()` without an end (year 9999). */
export const MUTE_FOREVER = 253_402_300_799_999;

/** Options of a new group or channel. */
export interface NewGroup {
  /** 1–128 characters. */
  title: string;
  /** Up to 2048 characters. */
  description?: string;
  /** Accounts to add at once (up to 200). */
  members?: AccountId[];
}

/**
 * Conversations: the cached list (kept current by sync and live frames) and every REST
 * operation on conversations and memberships. Answers are merged into the cache.
 */
export class ConversationsApi {
  constructor(private readonly core: ClientCore) {}

  /**
   * The cached conversation list: pinned first, then by latest activity. Active memberships,
   * not archived (`archived: true`: only the archived ones).
   */
  list(opts: { archived?: boolean } = {}): ConversationListItem[] {
    return this.core.timeline.list(opts);
  }

  /** One cached conversation (any membership status), or null. */
  cached(conversationId: ConversationId): ConversationListItem | null {
    return this.core.timeline.record(conversationId)?.item ?? null;
  }

  /** Fetches the whole list from the server (every page) into the cache; returns it. */
  async load(opts: { archived?: boolean } = {}): Promise<ConversationListItem[]> {
    const items: ConversationListItem[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.core.rest.request('listConversations', { query: { limit: 100, ...(opts.archived ? { archived: true } : {}), ...(cursor ? { cursor } : {}) } });
      items.push(...page.items);
      cursor = page.next ?? undefined;
    } while (cursor);
    await Promise.all(items.map((i) => this.core.timeline.mergeView(i)));
    return items;
  }

  /** One conversation from the server (cached too). */
  async get(conversationId: ConversationId): Promise<ConversationListItem> {
    return this.#merged(await this.core.rest.request('getConversation', { params: { conversationId } }));
  }

  /** The direct chat with an account (by id, phone or email): the existing one, or a new one. */
  async openDirect(peer: AccountId | Identifier): Promise<ConversationListItem> {
    const id = typeof peer === 'string' ? peer : (await this.#findAccount(peer));
    return this.#merged(await this.core.rest.request('createConversation', { body: { kind: 'direct', peer: id } }));
  }

  /** Creates a group you own. */
  async createGroup(group: NewGroup): Promise<ConversationListItem> {
    return this.#merged(await this.core.rest.request('createConversation', { body: { kind: 'group', ...group } }));
  }

  /** Creates a channel you own (admins post; anyone with the id may join). */
  async createChannel(channel: NewGroup): Promise<ConversationListItem> {
    return this.#merged(await this.core.rest.request('createConversation', { body: { kind: 'channel', ...channel } }));
  }

  /** Changes title or description (admins). */
  async update(conversationId: ConversationId, patch: { title?: string; description?: string }): Promise<ConversationListItem> {
    return this.#merged(await this.core.rest.request('updateConversation', { params: { conversationId }, body: patch }));
  }

  /** Every member (all pages; channels: admins only); cached and kept current. */
  async members(conversationId: ConversationId): Promise<Member[]> {
    const all: Member[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.core.rest.request('listMembers', { params: { conversationId }, query: { limit: 100, ...(cursor ? { cursor } : {}) } });
      all.push(...page.items);
      cursor = page.next ?? undefined;
    } while (cursor);
    await this.core.timeline.setMembers(conversationId, all);
    return all;
  }

  /** The cached members (after `members()`), or null. */
  cachedMembers(conversationId: ConversationId): Member[] | null {
    return this.core.timeline.record(conversationId)?.members ?? null;
  }

  /** Adds members (admins). */
  async addMembers(conversationId: ConversationId, accountIds: AccountId[]): Promise<ConversationEvent[]> {
    const { events } = await this.core.rest.request('addMembers', { params: { conversationId }, body: { accountIds } });
    await this.core.timeline.ingest(conversationId, events, 'send');
    return events;
  }

  /** Removes a member (admins; only the owner removes admins). Your own id: leave. */
  async removeMember(conversationId: ConversationId, accountId: AccountId): Promise<ConversationEvent> {
    const { event } = await this.core.rest.request('removeMember', { params: { conversationId, accountId } });
    await this.core.timeline.ingest(conversationId, [event], 'send');
    return event;
  }

  /** Makes a member an admin, or an admin a member. */
  async setRole(conversationId: ConversationId, accountId: AccountId, role: 'admin' | 'member'): Promise<ConversationEvent> {
    const { event } = await this.core.rest.request('setRole', { params: { conversationId, accountId }, body: { role } });
    await this.core.timeline.ingest(conversationId, [event], 'send');
    return event;
  }

  /** Leaves a group or channel (an owner hands ownership on). */
  leave(conversationId: ConversationId): Promise<void> {
    return this.core.rest.request('leaveConversation', { params: { conversationId } });
  }

  /** Subscribes to a channel. */
  async join(conversationId: ConversationId): Promise<ConversationListItem> {
    return this.#merged(await this.core.rest.request('joinChannel', { params: { conversationId } }));
  }

  /** Mutes notifications until a time (ms epoch; default: for good). */
  mute(conversationId: ConversationId, until: number = MUTE_FOREVER): Promise<ConversationListItem> {
    return this.updateMembership(conversationId, { muteUntil: until });
  }

  /** Ends a mute. */
  unmute(conversationId: ConversationId): Promise<ConversationListItem> {
    return this.updateMembership(conversationId, { muteUntil: null });
  }

  /** Moves to (or, with false, out of) the archive. */
  archive(conversationId: ConversationId, archived = true): Promise<ConversationListItem> {
    return this.updateMembership(conversationId, { archived });
  }

  /** Pins to the top of the list (or, with false, unpins). */
  pin(conversationId: ConversationId, pinned = true): Promise<ConversationListItem> {
    return this.updateMembership(conversationId, { pinned });
  }

  /** Your own settings of a conversation: muteUntil, archived, pinned. */
  async updateMembership(conversationId: ConversationId, patch: MembershipPatch): Promise<ConversationListItem> {
    return this.#merged(await this.core.rest.request('updateMembership', { params: { conversationId }, body: patch }));
  }

  async #merged(item: ConversationListItem): Promise<ConversationListItem> {
    await this.core.timeline.mergeView(item);
    return this.core.timeline.record(item.conversation.id)?.item ?? item;
  }

  async #findAccount(identifier: Identifier): Promise<AccountId> {
    const { matches } = await this.core.rest.request('lookup', { body: 'phone' in identifier ? { phones: [identifier.phone] } : { emails: [identifier.email] } });
    const hit = matches[0];
    if (!hit) throw new OttrError('not_found', `No account for ${'phone' in identifier ? identifier.phone : identifier.email}`);
    return hit.profile.id;
  }
}

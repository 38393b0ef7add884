import type {
  AccountId,
  ConversationEvent,
  ConversationId,
  ConversationListItem,
  EventId,
  Member,
  MembershipPatch,
  Role,
} from '@ottr/protocol';
import { AppError } from '../../errors/index.js';
import type { Clock, IdGenerator, ListPage, Store } from '../../ports/index.js';
import type { Delivery } from '../delivery/index.js';
import type { ServerConfig } from '../../config.js';
import { hasRole, requireMember, requireRole, type MemberAccess } from './access.js';
import { toConversation, toListItem, toMembership } from './conversations.mapper.js';

export interface ConversationsDeps {
  store: Store;
  ids: IdGenerator;
  clock: Clock;
  delivery: Delivery;
  config: ServerConfig;
}

type CreateInput =
  | { kind: 'direct'; peer: AccountId }
  | { kind: 'group' | 'channel'; title: string; description?: string; members?: AccountId[] };

/** Direct chats, groups and channels: creation, membership, roles, own settings. */
export class ConversationsService {
  constructor(private readonly deps: ConversationsDeps) {}

  private get store(): Store {
    return this.deps.store;
  }

  private newEventId = (): EventId => this.deps.ids.next('event') as EventId;

  async create(me: AccountId, input: CreateInput): Promise<ConversationListItem> {
    if (input.kind === 'direct') return this.createDirect(me, input.peer);
    const members = [...new Set(input.members ?? [])].filter((id) => id !== me);
    await this.requireLiveAccounts(members);
    const { conversation, events } = await this.store.conversations.createGroup({
      id: this.deps.ids.next('conversation') as ConversationId,
      kind: input.kind,
      title: input.title,
      description: input.description ?? null,
      owner: { accountId: me, at: this.deps.clock.now() },
      members,
      cap: this.capFor(input.kind),
      newEventId: this.newEventId,
    });
    await this.announce(conversation.id, events, [me, ...members]);
    return this.viewOf(conversation.id, me);
  }

  private async createDirect(me: AccountId, peer: AccountId): Promise<ConversationListItem> {
    if (peer === me) throw new AppError('bad_request', 'A direct conversation needs another account');
    await this.requireLiveAccounts([peer]);
    if (await this.store.accounts.isBlockedEitherWay(me, peer)) {
      // Blocked pairs keep an existing chat (to read it) but cannot open a new one.
      if (!(await this.store.conversations.relation(me, peer)).direct) throw new AppError('blocked');
    }
    const { conversation, created } = await this.store.conversations.getOrCreateDirect(
      me,
      peer,
      this.deps.ids.next('conversation') as ConversationId,
      this.newEventId(),
      this.deps.clock.now(),
    );
    if (created) {
      const [first] = await this.store.events.page(conversation.id, { after: 0, limit: 1, minSeq: 1 });
      await this.announce(conversation.id, first ? [first] : [], [me, peer]);
    }
    return this.viewOf(conversation.id, me);
  }

  async get(me: AccountId, id: ConversationId): Promise<ConversationListItem> {
    await requireMember(this.store, id, me);
    return this.viewOf(id, me);
  }

  list(me: AccountId, opts: { archived?: boolean; cursor?: string; limit?: number }): Promise<ListPage<ConversationListItem>> {
    return this.store.conversations
      .listForAccount(me, { archived: opts.archived ?? false, limit: opts.limit ?? 50, ...(opts.cursor ? { cursor: opts.cursor } : {}) })
      .then((page) => ({ items: page.items.map(toListItem), next: page.next }));
  }

  async updateInfo(me: AccountId, id: ConversationId, patch: { title?: string; description?: string }): Promise<ConversationListItem> {
    const access = await requireMember(this.store, id, me);
    this.requireMultiParty(access, 'change the title or description');
    requireRole(access, 'admin', 'change the title or description');
    const events = await this.store.conversations.updateInfo(id, patch, this.actor(me), this.newEventId);
    await this.announce(id, events, []);
    return this.viewOf(id, me);
  }

  async updateMembership(me: AccountId, id: ConversationId, patch: MembershipPatch, exceptConnection?: string): Promise<ConversationListItem> {
    await requireMember(this.store, id, me);
    await this.store.conversations.updateMembership(id, me, patch);
    const item = await this.viewOf(id, me);
    this.deps.delivery.toAccounts([me], { type: 'membership', conversation: item.conversation, membership: item.membership }, exceptConnection);
    return item;
  }

  async join(me: AccountId, id: ConversationId): Promise<ConversationListItem> {
    const conversation = await this.store.conversations.get(id);
    if (!conversation) throw new AppError('not_found', 'No such conversation');
    if (conversation.kind !== 'channel') throw new AppError('forbidden', 'Only channels can be joined; ask an admin to add you');
    const current = await this.store.conversations.getMembership(id, me);
    if (current?.status !== 'active') {
      const events = await this.store.conversations.addMembers(id, [me], 'member', this.actor(me), null, this.newEventId);
      await this.announce(id, events, [me]);
    }
    return this.viewOf(id, me);
  }

  async leave(me: AccountId, id: ConversationId): Promise<ConversationEvent> {
    const access = await requireMember(this.store, id, me);
    this.requireMultiParty(access, 'leave (archive a direct chat instead)');
    if (access.membership.role === 'owner') await this.handOverOwnership(id, me);
    const event = await this.store.conversations.removeMember(id, me, this.actor(me), this.newEventId());
    await this.announce(id, [event], [me]);
    return event;
  }

  async listMembers(me: AccountId, id: ConversationId, opts: { cursor?: string; limit?: number }): Promise<ListPage<Member>> {
    const access = await requireMember(this.store, id, me);
    if (access.conversation.kind === 'channel') requireRole(access, 'admin', "see a channel's subscribers");
    const page = await this.store.conversations.listMembers(id, { limit: opts.limit ?? 100, ...(opts.cursor ? { cursor: opts.cursor } : {}) });
    return {
      items: page.items.map((m) => ({ accountId: m.accountId, role: m.role, joinedSeq: m.joinedSeq, readSeq: m.readSeq, deliveredSeq: m.deliveredSeq })),
      next: page.next,
    };
  }

  async addMembers(me: AccountId, id: ConversationId, accountIds: AccountId[]): Promise<ConversationEvent[]> {
    const access = await requireMember(this.store, id, me);
    this.requireMultiParty(access, 'add members');
    requireRole(access, 'admin', 'add members');
    const unique = [...new Set(accountIds)];
    await this.requireLiveAccounts(unique);
    const events = await this.store.conversations.addMembers(id, unique, 'member', this.actor(me), this.capFor(access.conversation.kind), this.newEventId);
    await this.announce(id, events, unique);
    return events;
  }

  async removeMember(me: AccountId, id: ConversationId, target: AccountId): Promise<ConversationEvent> {
    if (target === me) return this.leave(me, id);
    const access = await requireMember(this.store, id, me);
    this.requireMultiParty(access, 'remove members');
    requireRole(access, 'admin', 'remove members');
    const theirs = await this.store.conversations.getMembership(id, target);
    if (!theirs || theirs.status !== 'active') throw new AppError('not_member', 'That account is not a member');
    if (theirs.role === 'owner') throw new AppError('insufficient_role', 'The owner cannot be removed');
    if (theirs.role === 'admin' && !hasRole(access.membership, 'owner')) throw new AppError('insufficient_role', 'Only the owner can remove admins');
    const event = await this.store.conversations.removeMember(id, target, this.actor(me), this.newEventId());
    await this.announce(id, [event], [target]);
    return event;
  }

  async setRole(me: AccountId, id: ConversationId, target: AccountId, role: Extract<Role, 'admin' | 'member'>): Promise<ConversationEvent> {
    const access = await requireMember(this.store, id, me);
    this.requireMultiParty(access, 'change roles');
    requireRole(access, 'admin', 'change roles');
    const theirs = await this.store.conversations.getMembership(id, target);
    if (!theirs || theirs.status !== 'active') throw new AppError('not_member', 'That account is not a member');
    if (theirs.role === 'owner') throw new AppError('insufficient_role', "The owner's role cannot be changed");
    const demoting = theirs.role === 'admin' && role === 'member';
    if (demoting && !hasRole(access.membership, 'owner')) throw new AppError('insufficient_role', 'Only the owner can demote admins');
    if (theirs.role === role) throw new AppError('conflict', `Already ${role}`);
    const event = await this.store.conversations.setRole(id, target, role, this.actor(me), this.newEventId());
    await this.announce(id, [event], [target]);
    return event;
  }

  /** Called when an account is deleted: it leaves every group and channel it is in. */
  async leaveAll(accountId: AccountId): Promise<void> {
    for (const archived of [false, true]) {
      let cursor: string | undefined;
      do {
        const page = await this.store.conversations.listForAccount(accountId, { archived, limit: 100, ...(cursor ? { cursor } : {}) });
        for (const item of page.items) {
          if (item.conversation.kind !== 'direct') await this.leave(accountId, item.conversation.id);
        }
        cursor = page.next ?? undefined;
      } while (cursor);
    }
  }

  /** The owner leaving hands the group to the longest-standing admin, else the longest-standing member. */
  private async handOverOwnership(id: ConversationId, owner: AccountId): Promise<void> {
    let heir: { accountId: AccountId; role: Role } | undefined;
    let cursor: string | undefined;
    do {
      const page = await this.store.conversations.listMembers(id, { limit: 200, ...(cursor ? { cursor } : {}) });
      for (const m of page.items) {
        if (m.accountId === owner) continue;
        if (m.role === 'admin') {
          heir = m;
          break;
        }
        heir ??= m;
      }
      cursor = heir?.role === 'admin' ? undefined : (page.next ?? undefined);
    } while (cursor);
    if (!heir) return;
    const event = await this.store.conversations.setRole(id, heir.accountId, 'owner', this.actor(owner), this.newEventId());
    await this.announce(id, [event], [heir.accountId]);
  }

  private requireMultiParty(access: MemberAccess, what: string): void {
    if (access.conversation.kind === 'direct') throw new AppError('bad_request', `Direct conversations cannot ${what}`);
  }

  private capFor(kind: 'direct' | 'group' | 'channel'): number | null {
    return kind === 'group' ? this.deps.config.limits.groupSizeCap : null;
  }

  private actor(accountId: AccountId): { accountId: AccountId; at: number } {
    return { accountId, at: this.deps.clock.now() };
  }

  private async requireLiveAccounts(ids: AccountId[]): Promise<void> {
    if (ids.length === 0) return;
    const found = await this.store.accounts.getMany(ids);
    const live = new Set(found.filter((a) => a.deletedAt === null).map((a) => a.id));
    const missing = ids.filter((id) => !live.has(id));
    if (missing.length > 0) throw new AppError('not_found', `No such account: ${missing.slice(0, 5).join(', ')}`);
  }

  private async viewOf(id: ConversationId, me: AccountId): Promise<ConversationListItem> {
    const view = await this.store.conversations.view(id, me);
    if (!view) throw new AppError('not_member');
    return toListItem(view);
  }

  /**
   * Tells every active member about new system events, and each account in `affected` about
   * its own changed membership (added, removed, left, role) — including one that just left.
   */
  private async announce(id: ConversationId, events: ConversationEvent[], affected: AccountId[]): Promise<void> {
    const members = new Set(await this.store.conversations.activeMemberIds(id));
    for (const a of affected) members.add(a);
    for (const event of events) this.deps.delivery.toAccounts(members, { type: 'event', event });
    for (const accountId of new Set(affected)) {
      const view = await this.store.conversations.view(id, accountId);
      if (view) {
        this.deps.delivery.toAccounts([accountId], {
          type: 'membership',
          conversation: toConversation(view.conversation),
          membership: toMembership(view.membership),
        });
      }
    }
  }
}

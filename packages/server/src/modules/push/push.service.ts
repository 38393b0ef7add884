import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type {
  AccountId,
  ApnsTarget,
  Content,
  ConversationEvent,
  ConversationId,
  DeviceId,
  EventId,
  FcmTarget,
  MessageEvent,
  NotificationSettings,
  NotificationSettingsPatch,
  PushConfig,
  PushKind,
  PushPayload,
  PushTargetView,
  WebPushTarget,
} from '@ottr/protocol';
import type { Logger } from 'pino';
import type { ServerConfig } from '../../config.js';
import { AppError } from '../../errors/index.js';
import type { AuthContext } from '../../handlers.js';
import type { Clock, JobRecord, MembershipRecord, NewJob, PushMessage, PushOutcome, PushProvider, PushTargetRecord, Store } from '../../ports/index.js';
import { RetryLater } from '../jobs/index.js';
import { inDnd, mentions, messagePayload, validTimeZone } from './payload.js';

/** Fan-out of one new message to the members who did not get it in time (one job per message). */
export const MESSAGE_JOB = 'push.message';
/** One notification (or clear) to one device's target. */
export const SEND_JOB = 'push.send';

/** The push services this node sends through, chosen by the composition root. */
export interface PushProviders {
  webpush?: { provider: PushProvider; publicKey: string };
  fcm?: PushProvider;
  apns?: PushProvider;
}

/** Counts what push attempts came to (Metrics.pushed). */
export type PushMetrics = (provider: PushKind, result: { outcome: 'sent'; ms: number } | { outcome: 'gone' } | { outcome: 'retry' | 'rejected' | 'dead' }) => void;

export interface PushDeps {
  store: Store;
  clock: Clock;
  config: Pick<ServerConfig, 'push'>;
  logger: Logger;
  providers: PushProviders;
  metrics: PushMetrics;
  /** Looks for due jobs now (the job runner's kick). */
  kickJobs: () => void;
}

interface MessageJobPayload {
  eventId: EventId;
}

interface SendJobPayload {
  accountId: AccountId;
  deviceId: DeviceId;
  kind: PushKind;
  /** The target's address when the job was made: a re-registered target is not sent the old job. */
  address: string;
  message: PushMessage;
}

const MEMBER_PAGE = 500;
/** A clear is worth little after this long (the notification was probably dismissed). */
const CLEAR_TTL_SECONDS = 3600;

/**
 * Push notifications: devices register targets; each new message enqueues (in its own commit)
 * a fan-out job that runs after the grace period and notifies the members none of whose
 * devices said "delivered" by then — unless they mute the conversation (a mention breaks
 * through a group mute when they allow it); in their do-not-disturb hours quietly. Notifications
 * are collapsed per conversation: the member's push state records the newest seq notified, so
 * a burst of messages makes one notification, and later ones replace it on the device (same
 * tag / collapse id). A read that reaches what was notified clears it on the other devices.
 * Sends are jobs of their own: retried with backoff on 429/5xx, and a target the service says
 * is gone is deleted.
 */
export class PushService {
  private kickTimer: NodeJS.Timeout | undefined;
  private kickAt = 0;
  private latestDue = 0;

  constructor(private readonly deps: PushDeps) {}

  private get store(): Store {
    return this.deps.store;
  }

  private get settings(): ServerConfig['push'] {
    return this.deps.config.push;
  }

  config(): PushConfig {
    const { webpush, fcm, apns } = this.deps.providers;
    return { webpush: webpush ? { publicKey: webpush.publicKey } : null, fcm: fcm !== undefined, apns: apns !== undefined };
  }

  // ---- registration ------------------------------------------------------------------------

  async listTargets(me: AuthContext): Promise<PushTargetView[]> {
    const all = await this.store.push.listTargets([me.accountId]);
    return all.filter((t) => t.deviceId === me.deviceId).map(view);
  }

  async putWebPush(me: AuthContext, body: WebPushTarget): Promise<PushTargetView> {
    this.requireProvider('webpush');
    this.checkEndpoint(body.endpoint);
    return this.put(me, 'webpush', body.endpoint, { p256dh: body.keys.p256dh, auth: body.keys.auth });
  }

  async putFcm(me: AuthContext, body: FcmTarget): Promise<PushTargetView> {
    this.requireProvider('fcm');
    return this.put(me, 'fcm', body.token, {});
  }

  async putApns(me: AuthContext, body: ApnsTarget): Promise<PushTargetView> {
    this.requireProvider('apns');
    return this.put(me, 'apns', body.token.toLowerCase(), { ...(body.topic !== undefined && { topic: body.topic }), environment: body.environment ?? 'production' });
  }

  async deleteTarget(me: AuthContext, kind: PushKind): Promise<void> {
    await this.store.push.deleteTarget(me.deviceId, kind);
  }

  private async put(me: AuthContext, kind: PushKind, address: string, params: Record<string, string>): Promise<PushTargetView> {
    return view(await this.store.push.putTarget({ accountId: me.accountId, deviceId: me.deviceId, kind, address, params }, this.deps.clock.now()));
  }

  private requireProvider(kind: PushKind): void {
    const on = kind === 'webpush' ? this.deps.providers.webpush : this.deps.providers[kind];
    if (on === undefined) throw new AppError('push_not_configured', `This server does not send ${kind} notifications`);
  }

  /** A Web Push endpoint must be an https URL of a public host: the server will POST to it. */
  private checkEndpoint(endpoint: string): void {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new AppError('validation_failed', 'endpoint is not a URL');
    }
    if (url.username !== '' || url.password !== '') throw new AppError('validation_failed', 'endpoint must not carry credentials');
    if (this.settings.allowInsecureEndpoints) {
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AppError('validation_failed', 'endpoint must be an http(s) URL');
      return;
    }
    if (url.protocol !== 'https:') throw new AppError('validation_failed', 'endpoint must be an https URL');
    if (privateHost(url.hostname)) throw new AppError('validation_failed', 'endpoint must be on a public host');
  }

  // ---- settings ----------------------------------------------------------------------------

  getSettings(me: AccountId): Promise<NotificationSettings> {
    return this.store.push.getSettings(me);
  }

  updateSettings(me: AccountId, patch: NotificationSettingsPatch): Promise<NotificationSettings> {
    if (patch.dnd && !validTimeZone(patch.dnd.timeZone)) throw new AppError('validation_failed', `unknown time zone '${patch.dnd.timeZone}'`);
    return this.store.push.updateSettings(me, patch);
  }

  // ---- rules -------------------------------------------------------------------------------

  /**
   * The fan-out job of a new message, for its append (transactional outbox); undefined when
   * this server sends no pushes, or no other member of the conversation has a push target.
   */
  async messageJob(message: { id: EventId; conversationId: ConversationId; sender: AccountId; at: number }): Promise<NewJob | undefined> {
    if (!this.enabled() || !(await this.store.push.hasTargets(message.conversationId, message.sender))) return undefined;
    const payload: MessageJobPayload = { eventId: message.id };
    return { id: `job_${randomUUID()}`, kind: MESSAGE_JOB, payload, runAt: message.at + this.settings.graceMs, maxAttempts: 5, backoffMs: 1000, now: message.at };
  }

  /** After a message with a push job was committed: look for due jobs when its grace period ends (not only at the next poll). */
  messageSent(at: number): void {
    this.kickWhen(at + this.settings.graceMs);
  }

  /** MESSAGE_JOB: notifies the members of the message's conversation who need it. */
  async fanOut(job: JobRecord): Promise<{ notified: number; muted: number; quiet: number }> {
    const { eventId } = job.payload as MessageJobPayload;
    const result = { notified: 0, muted: 0, quiet: 0 };
    const event = await this.store.events.get(eventId);
    if (event === null || !live(event)) return result;
    const conversation = await this.store.conversations.get(event.conversationId);
    if (conversation === null) return result;
    const now = this.deps.clock.now();
    const names = new Map<AccountId, string>();
    let cursor: string | undefined;
    do {
      const page = await this.store.conversations.listMembers(conversation.id, { limit: MEMBER_PAGE, ...(cursor !== undefined && { cursor }) });
      cursor = page.next ?? undefined;
      // Those whose devices did not say "delivered" in time, and who may see the message.
      const late = page.items.filter((m) => m.accountId !== event.sender && m.joinedSeq <= event.seq && m.deliveredSeq < event.seq);
      if (late.length === 0) continue;
      const targets = groupBy(await this.store.push.listTargets(late.map((m) => m.accountId)));
      const reachable = late.filter((m) => targets.has(m.accountId));
      if (reachable.length === 0) continue;
      const settings = await this.store.push.getSettingsMany(reachable.map((m) => m.accountId));
      for (const member of reachable) {
        const s = settings.get(member.accountId)!;
        const mentioned = mentions(event.content, member.accountId);
        if (muted(member, now) && !(mentioned && s.mentionsBreakMute && conversation.kind !== 'direct')) {
          result.muted++;
          continue;
        }
        const quiet = inDnd(s.dnd, now);
        if (await this.notifyMember(member, event, { direct: conversation.kind === 'direct', title: conversation.title }, targets.get(member.accountId)!, s, quiet, names, now)) {
          result.notified++;
          if (quiet) result.quiet++;
        }
      }
    } while (cursor !== undefined);
    if (result.notified > 0) this.deps.kickJobs();
    return result;
  }

  /**
   * One member's notification: about the newest unread message (later messages collapse into
   * it), with their unread counts. False when it was already notified or read meanwhile.
   */
  private async notifyMember(
    member: MembershipRecord,
    event: LiveMessage,
    conversation: { direct: boolean; title: string | null },
    targets: PushTargetRecord[],
    settings: NotificationSettings,
    quiet: boolean,
    names: Map<AccountId, string>,
    now: number,
  ): Promise<boolean> {
    const { store } = this;
    const cid = event.conversationId;
    const [state, view] = await Promise.all([store.push.state(member.accountId, cid), store.conversations.view(cid, member.accountId)]);
    if (view === null || view.unreadCount === 0 || state.notifiedSeq >= view.conversation.lastSeq) return false;
    const newest = await this.newestUnread(cid, member.accountId, Math.max(view.membership.readSeq + 1, view.membership.joinedSeq), event);
    if (newest === null || newest.seq <= state.notifiedSeq) return false;
    const senderName = await this.displayName(newest.sender, names);
    const badge = await store.push.unreadTotal(member.accountId);
    const payload = messagePayload(
      {
        conversationId: cid,
        direct: conversation.direct,
        conversationTitle: conversation.title,
        seq: newest.seq,
        senderId: newest.sender,
        senderName,
        content: newest.content,
        count: view.unreadCount,
        badge,
        mention: mentions(newest.content, member.accountId) || mentions(event.content, member.accountId),
        quiet,
      },
      settings.privacy,
    );
    const urgency = quiet ? 'normal' : 'high';
    const jobs = targets.map((t) => this.sendJob(t, { payload, ttlSeconds: this.settings.ttlSeconds, urgency }, now));
    return store.push.notify(member.accountId, cid, newest.seq, jobs, now);
  }

  /** The newest message by someone else from `minSeq` on, not deleted (`fallback` when none is newer). */
  private async newestUnread(cid: ConversationId, me: AccountId, minSeq: number, fallback: LiveMessage): Promise<LiveMessage | null> {
    const events = await this.store.events.page(cid, { limit: 50, minSeq });
    for (let i = events.length - 1; i >= 0; i--) {
      const e = events[i]!;
      if (live(e) && e.sender !== me) return e.seq >= fallback.seq ? e : fallback;
    }
    return fallback.seq >= minSeq ? fallback : null;
  }

  private async displayName(id: AccountId, cache: Map<AccountId, string>): Promise<string> {
    let name = cache.get(id);
    if (name === undefined) {
      const account = await this.store.accounts.get(id);
      name = account === null || account.deletedAt !== null ? 'Deleted account' : account.displayName || 'Someone';
      cache.set(id, name);
    }
    return name;
  }

  /**
   * After a member's read pointer moved: when it reached what their notification showed,
   * that notification is cleared on their other devices (a silent push with the new badge).
   */
  async onRead(accountId: AccountId, conversationId: ConversationId, readSeq: number, deviceId: DeviceId): Promise<void> {
    if (!this.enabled()) return;
    const { store } = this;
    const state = await store.push.state(accountId, conversationId);
    if (state.notifiedSeq <= state.clearedSeq || readSeq < state.notifiedSeq) return;
    const targets = (await store.push.listTargets([accountId])).filter((t) => t.deviceId !== deviceId);
    const badge = await store.push.unreadTotal(accountId);
    const now = this.deps.clock.now();
    const payload: PushPayload = { type: 'clear', conversationId, badge };
    const jobs = targets.map((t) => this.sendJob(t, { payload, ttlSeconds: CLEAR_TTL_SECONDS, urgency: 'normal' }, now));
    if ((await store.push.clear(accountId, conversationId, readSeq, jobs, now)) && jobs.length > 0) this.deps.kickJobs();
  }

  private sendJob(target: PushTargetRecord, message: PushMessage, now: number): NewJob {
    const payload: SendJobPayload = { accountId: target.accountId, deviceId: target.deviceId, kind: target.kind, address: target.address, message };
    return { id: `job_${randomUUID()}`, kind: SEND_JOB, payload, runAt: now, maxAttempts: this.settings.maxAttempts, backoffMs: this.settings.backoffMs, now };
  }

  /** SEND_JOB: one push to one target. Throws to be tried again (429, 5xx, network). */
  async send(job: JobRecord): Promise<{ outcome: PushOutcome['outcome'] } | { skipped: string }> {
    const p = job.payload as SendJobPayload;
    const { store } = this;
    const target = await store.push.getTarget(p.deviceId, p.kind);
    if (target === null || target.address !== p.address) return { skipped: 'the target changed' };
    const payload = p.message.payload;
    if (payload.type === 'message') {
      const membership = await store.conversations.getMembership(payload.conversationId, p.accountId);
      if (membership === null || membership.status !== 'active') return { skipped: 'no longer a member' };
      if (membership.readSeq >= payload.seq) return { skipped: 'read meanwhile' };
    }
    const provider = p.kind === 'webpush' ? this.deps.providers.webpush?.provider : this.deps.providers[p.kind];
    if (provider === undefined) return { skipped: `${p.kind} is not configured` };
    const result = await provider.send(target, p.message);
    switch (result.outcome) {
      case 'sent':
        this.deps.metrics(p.kind, result);
        return { outcome: 'sent' };
      case 'gone':
        if (await store.push.pruneTarget(p.deviceId, p.kind, p.address)) this.deps.metrics(p.kind, result);
        this.deps.logger.info({ device: p.deviceId, kind: p.kind, reason: result.reason }, 'push: target gone, removed');
        return { outcome: 'gone' };
      case 'rejected':
        this.deps.metrics(p.kind, result);
        this.deps.logger.warn({ device: p.deviceId, kind: p.kind, reason: result.reason }, 'push: rejected by the service');
        return { outcome: 'rejected' };
      case 'retry':
        this.deps.metrics(p.kind, { outcome: job.attempts >= job.maxAttempts ? 'dead' : 'retry' });
        throw new RetryLater(`${p.kind}: ${result.reason}`, result.retryAfterMs);
    }
  }

  /** Stops the pending kick and closes the providers. */
  async close(): Promise<void> {
    clearTimeout(this.kickTimer);
    const { webpush, fcm, apns } = this.deps.providers;
    await Promise.all([webpush?.provider, fcm, apns].map((p) => p?.close()));
  }

  private enabled(): boolean {
    const { webpush, fcm, apns } = this.deps.providers;
    return webpush !== undefined || fcm !== undefined || apns !== undefined;
  }

  /** One timer for the earliest pending due time; when it fires it re-arms for the latest one seen. */
  private kickWhen(due: number): void {
    this.latestDue = Math.max(this.latestDue, due);
    if (this.kickTimer !== undefined && this.kickAt <= due) return;
    clearTimeout(this.kickTimer);
    this.kickAt = due;
    this.kickTimer = setTimeout(() => {
      this.kickTimer = undefined;
      this.deps.kickJobs();
      if (this.latestDue > this.kickAt) this.kickWhen(this.latestDue);
    }, Math.max(0, due - this.deps.clock.now()) + 20);
    this.kickTimer.unref();
  }
}

/** A message that is still there: with its content and sender. */
type LiveMessage = MessageEvent & { content: Content; sender: AccountId };

function live(e: ConversationEvent): e is LiveMessage {
  return e.type === 'message' && e.deletedAt === undefined && e.content !== null && e.sender !== null;
}

function view(t: PushTargetRecord): PushTargetView {
  return { kind: t.kind, deviceId: t.deviceId, createdAt: t.createdAt, updatedAt: t.updatedAt };
}

function muted(m: MembershipRecord, now: number): boolean {
  return m.muteUntil !== null && m.muteUntil > now;
}

function groupBy(targets: PushTargetRecord[]): Map<AccountId, PushTargetRecord[]> {
  const map = new Map<AccountId, PushTargetRecord[]>();
  for (const t of targets) {
    const list = map.get(t.accountId);
    if (list) list.push(t);
    else map.set(t.accountId, [t]);
  }
  return map;
}

/** Loopback, private, link-local and unique-local addresses, and names that mean this machine. */
function privateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return true;
  const family = isIP(host);
  if (family === 4) {
    const [a, b] = host.split('.').map(Number) as [number, number];
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (family === 6) return host === '::1' || host === '::' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || host.startsWith('::ffff:');
  return false;
}

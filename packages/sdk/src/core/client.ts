import {
  CLOSE,
  type AccountId,
  type ConversationId,
  type DeviceId,
  type ReadyFrame,
  type RouteId,
  type ServerFrame,
} from '@ottr/protocol';
import { AuthApi, BlocksApi, DevicesApi, ProfileApi } from './api/account.js';
import { createAdminApi, type AdminApi } from './api/admin.js';
import { ConversationsApi } from './api/conversations.js';
import { MediaApi } from './api/media.js';
import { MessagesApi } from './api/messages.js';
import { PresenceApi } from './api/presence.js';
import { StickersApi } from './api/stickers.js';
import { PushApi } from './api/push.js';
import { TypingApi } from './api/typing.js';
import { Connection, type ConnectionOptions, type ConnectionState, type StateChange } from './connection.js';
import { Emitter, type Listener } from './emitter.js';
import { OttrError } from './errors.js';
import type { ClientEvents } from './events.js';
import { DEFAULT_MESSAGES_PER_CONVERSATION } from './model.js';
import { Outbox, outboxMessage } from './outbox.js';
import { Pointers } from './pointers.js';
import type { Platform } from './platform.js';
import { RestClient, type OptionalInputRouteId, type RequestInputs, type RequestOptions, type RequestOutputs } from './rest.js';
import { SessionManager, type SavedSession } from './session.js';
import { KEYS, MemoryStore, clearClientData, type SdkStore } from './store.js';
import { SyncRunner } from './sync.js';
import { Timeline } from './timeline.js';

/** A session to start from: what `/v1/auth/verify` answered (extra fields are ignored). */
export interface SessionInput {
  /** acc_… */
  accountId: string;
  /** dev_… */
  deviceId: string;
  accessToken: string;
  refreshToken: string;
  /** When the access token expires (ms, server clock). Unknown: refreshed when the server says it expired. */
  accessTokenExpiresAt?: number;
}

/** Everything `createClient` takes. */
export interface ClientOptions {
  /** The server, e.g. `https://chat.example.com` (REST under /v1, WebSocket at /v1/ws). */
  baseUrl: string;
  /** Platform services: use `nodePlatform()` or `browserPlatform()` from the entry points. */
  platform: Platform;
  /** Where the session, cursor, outbox and caches live. Default: a MemoryStore (lost on exit). */
  store?: SdkStore;
  /** Start from this session (saved to the store). Without it the store's session is used, if any. */
  session?: SessionInput;
  /** WebSocket URL. Default: baseUrl with ws(s): and /v1/ws. */
  wsUrl?: string;
  /** Connection timing and reconnect backoff. */
  connection?: Omit<ConnectionOptions, 'url'>;
  /** How long an out-of-order event waits for the missing ones before history is asked. Default 300 ms. */
  reorderWindowMs?: number;
  /** Most messages cached per conversation. Default 500. */
  messagesPerConversation?: number;
  /** Send `delivered` for what arrives (live and by sync). Default true. */
  autoDelivered?: boolean;
  /** Least time between two `typing` frames for one conversation. Default 3 s. */
  typingIntervalMs?: number;
  /** The server's admin token, for the `admin` routes. */
  adminToken?: string;
}

/** What the API groups share; internal. */
export interface ClientCore {
  readonly rest: RestClient;
  readonly conn: Connection;
  readonly timeline: Timeline;
  readonly outbox: Outbox;
  readonly sessions: SessionManager;
  readonly sync: SyncRunner;
  readonly platform: Platform;
  readonly store: SdkStore;
  readonly options: ClientOptions;
  /** The server's base URL without a trailing slash. */
  readonly baseUrl: string;
  readonly loaded: Promise<void>;
  /** Your account id; throws `not_signed_in` without a session. */
  readonly me: () => AccountId;
  readonly live: () => boolean;
  readonly emit: <K extends keyof ClientEvents>(name: K, payload: ClientEvents[K]) => void;
  readonly report: (error: unknown, context: string) => void;
  readonly newClientMsgId: () => string;
  /** Queues a read pointer to send (now when live, else at the next live). */
  readonly sendRead: (cid: ConversationId, seq: number) => Promise<void>;
  /** Stops the connection and forgets every local datum (sign-out, another account signing in). */
  readonly wipe: () => Promise<void>;
  typing: TypingApi;
}

/** Creates a client. Nothing connects until `connect()`. */
export function createClient(options: ClientOptions): OttrClient {
  return new OttrClient(options);
}

/** What an entry point adds to the core client: a media API that knows its platform's files. */
export interface ClientExtensions {
  media?: new (core: ClientCore) => MediaApi;
}

/**
 * An ottr client: one signed-in device. It reconnects by itself, keeps an outbox of messages
 * written offline, syncs what it missed, applies every event once and in order, tracks the status
 * of your messages, caches conversations and recent messages in its store, and emits typed events.
 */
export class OttrClient {
  /** Sign-in and sign-out. */
  readonly auth: AuthApi;
  /** Your profile, other people's profiles, lookup by phone or email. */
  readonly profile: ProfileApi;
  /** Your signed-in devices. */
  readonly devices: DevicesApi;
  /** Accounts you blocked. */
  readonly blocks: BlocksApi;
  /** Who is online. */
  readonly presence: PresenceApi;
  /** Typing indicators, sent (throttled) and received. */
  readonly typing: TypingApi;
  /** Direct chats, groups and channels; the cached conversation list. */
  readonly conversations: ConversationsApi;
  /** Sending (offline-safe), editing, reacting, history, read state, search. */
  readonly messages: MessagesApi;
  /** The admin REST routes (with `adminToken`), one method per operation. */
  readonly admin: AdminApi;
  /** Uploads (resumable, with progress), media objects with signed URLs, downloads, storage use. */
  readonly media: MediaApi;
  /** Sticker packs: yours, installed ones, their stickers. */
  readonly stickers: StickersApi;
  /** Push registration of this device and your notification settings. */
  readonly push: PushApi;

  private readonly emitter: Emitter<ClientEvents>;
  private readonly core: ClientCore;
  private readonly pointers: Pointers;
  private firstSync = false;

  constructor(options: ClientOptions, extensions: ClientExtensions = {}) {
    const platform = options.platform;
    const store = options.store ?? new MemoryStore();
    const baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.emitter = new Emitter<ClientEvents>((error, event) => {
      if (event !== 'error') this.emitter.emit('error', { error, context: `a listener of "${String(event)}" threw` });
    });
    const emit = <K extends keyof ClientEvents>(name: K, payload: ClientEvents[K]) => this.emitter.emit(name, payload);
    const report = (error: unknown, context: string) => emit('error', { error, context });

    const anonymous = new RestClient(baseUrl, platform, null);
    const sessions = new SessionManager({
      store,
      platform,
      refreshCall: (refreshToken) => anonymous.request('refresh', { body: { refreshToken } }),
      onEvent: (e) => emit('session', e),
    });
    const rest = new RestClient(baseUrl, platform, {
      accessToken: () => sessions.accessToken(),
      refresh: (stale) => sessions.refresh(stale),
      sessionEnded: (error) => sessions.markEnded(error),
    });
    const me = (): AccountId => {
      const s = sessions.current;
      if (!s) throw new OttrError('not_signed_in');
      return s.accountId;
    };
    const outbox = new Outbox(store, platform, {
      onSent: (item, event) => {
        void timeline.ingest(item.conversationId, [event], 'send').catch((err: unknown) => report(err, 'applying a sent message'));
      },
      onStatus: (item, previous) => emit('status', { conversationId: item.conversationId, clientMsgId: item.clientMsgId, status: item.status, previous, message: outboxMessage(item) }),
      onError: report,
    });
    const timeline = new Timeline({
      store,
      rest,
      platform,
      outbox,
      me,
      emit,
      onReceived: (cid) => this.pointers.received(cid),
      reorderWindowMs: options.reorderWindowMs ?? 300,
      messagesPerConversation: options.messagesPerConversation ?? DEFAULT_MESSAGES_PER_CONVERSATION,
    });
    const sync = new SyncRunner(store, timeline);
    const conn = new Connection(
      platform,
      { ...options.connection, url: options.wsUrl ?? `${baseUrl.replace(/^http/, 'ws')}/v1/ws` },
      {
        accessToken: () => sessions.accessToken(),
        refresh: (stale) => sessions.refresh(stale),
        onReady: (ready) => this.#onReady(ready),
        onLive: () => this.#onLive(),
        onFrame: (frame) => this.#onFrame(frame),
        onState: (change) => this.#onState(change),
      },
    );
    const given = options.session ? toSaved(options.session) : null;
    if (given) sessions.adopt(given);
    const loaded = (async () => {
      if (given) {
        const previous = (await store.get(KEYS.session)) as SavedSession | undefined;
        // A store that held another account's data starts empty for this one.
        if (previous && previous.accountId !== given.accountId) await clearClientData(store);
        await sessions.set(given);
      } else await sessions.load();
      await Promise.all([timeline.load(), sync.load(), outbox.load()]);
      await sync.applyPending();
    })();
    loaded.catch((err: unknown) => report(err, 'loading the store'));
    let seq = 0;
    const core: ClientCore = {
      rest,
      conn,
      timeline,
      outbox,
      sessions,
      sync,
      platform,
      store,
      options,
      baseUrl,
      loaded,
      me,
      live: () => conn.state === 'live',
      emit,
      report,
      newClientMsgId: () => `${platform.now().toString(36)}-${(++seq).toString(36)}-${Math.floor(platform.random() * 2 ** 48).toString(36)}`,
      sendRead: (cid, s) => this.pointers.read(cid, s),
      wipe: () => this.#wipe(store),
      typing: undefined as unknown as TypingApi,
    };
    this.core = core;
    this.pointers = new Pointers({ conn, rest, timeline, platform, autoDelivered: options.autoDelivered !== false });
    this.typing = core.typing = new TypingApi(core);
    this.auth = new AuthApi(core, anonymous);
    this.profile = new ProfileApi(core);
    this.devices = new DevicesApi(core);
    this.blocks = new BlocksApi(core);
    this.presence = new PresenceApi(core);
    this.conversations = new ConversationsApi(core);
    this.messages = new MessagesApi(core);
    this.admin = createAdminApi(rest, () => options.adminToken);
    this.media = new (extensions.media ?? MediaApi)(core);
    this.stickers = new StickersApi(core);
    this.push = new PushApi(core);
  }

  /** The connection state. */
  get state(): ConnectionState {
    return this.core.conn.state;
  }

  /** The signed-in device, or null. */
  get session(): { accountId: AccountId; deviceId: DeviceId } | null {
    const s = this.core.sessions.current;
    return s ? { accountId: s.accountId, deviceId: s.deviceId } : null;
  }

  /** Resolves once the store has been read (cached conversations, messages, outbox, session). */
  ready(): Promise<void> {
    return this.core.loaded;
  }

  /**
   * Starts the connection (and keeps it up: reconnects with backoff, refreshes tokens). Resolves
   * when it is first `live` (synced); rejects with an OttrError if it ends in `closed-by-server`
   * or `stopped` before that.
   */
  async connect(): Promise<void> {
    await this.core.loaded;
    if (!this.core.sessions.current) throw new OttrError('not_signed_in');
    this.core.timeline.start();
    if (this.state === 'live') return;
    const waiting = this.waitFor('live');
    this.core.conn.start();
    return waiting;
  }

  /** Closes the connection; the client stays usable (send() queues, connect() resumes). */
  disconnect(): void {
    this.core.conn.stop();
    this.core.timeline.stop();
    this.core.typing.stopAll();
    this.pointers.stop();
  }

  /** Disconnects, waits for queued work and saves, and closes the store. */
  async close(): Promise<void> {
    this.disconnect();
    await this.core.timeline.idle().catch(() => undefined);
    await this.core.outbox.persist().catch(() => undefined);
    await this.core.options.store?.close?.();
  }

  /**
   * Resolves when the state is `state`; rejects if it becomes `closed-by-server` or `stopped`
   * first (unless that is the state waited for).
   */
  waitFor(state: ConnectionState): Promise<void> {
    if (this.state === state) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const off = this.on('state', (change) => {
        if (change.state === state) {
          off();
          resolve();
        } else if (change.state === 'closed-by-server' || change.state === 'stopped') {
          off();
          reject(change.error ?? new OttrError(change.state === 'stopped' ? 'stopped' : endCode(change.closeCode), change.reason));
        }
      });
    });
  }

  /** Listens to an event; returns a function that stops listening. */
  on<K extends keyof ClientEvents>(event: K, listener: Listener<ClientEvents[K]>): () => void {
    return this.emitter.on(event, listener);
  }

  /** Listens to the next occurrence of an event only. */
  once<K extends keyof ClientEvents>(event: K, listener: Listener<ClientEvents[K]>): () => void {
    return this.emitter.once(event, listener);
  }

  /** Removes a listener added with `on`. */
  off<K extends keyof ClientEvents>(event: K, listener: Listener<ClientEvents[K]>): void {
    this.emitter.off(event, listener);
  }

  /**
   * Any REST operation of the protocol's ROUTES, typed by operation id: `request('getConversation',
   * { params: { conversationId } })`. The access token is refreshed when needed.
   */
  request<K extends OptionalInputRouteId>(operation: K, input?: RequestInputs[K], options?: RequestOptions): Promise<NoInfer<RequestOutputs[K]>>;
  request<K extends RouteId>(operation: K, input: RequestInputs[K], options?: RequestOptions): Promise<NoInfer<RequestOutputs[K]>>;
  request(operation: RouteId, input?: unknown, options?: RequestOptions): Promise<unknown> {
    return this.core.rest.call(operation, input, options);
  }

  /** Sends a raw frame on the live socket (frames this SDK does not model). Throws `disconnected` when not connected. */
  sendFrame(frame: Record<string, unknown> & { type: string }): void {
    this.core.conn.send(frame);
  }

  /** Resolves when every event received so far has been applied and saved (tests, shutdown). */
  settled(): Promise<void> {
    return this.core.timeline.idle();
  }

  // ---- connection hooks ---------------------------------------------------------------------

  async #onReady(ready: ReadyFrame): Promise<void> {
    const { sessions, timeline, sync, conn } = this.core;
    await this.core.loaded;
    sessions.noteServerTime(ready.serverTime);
    timeline.hold();
    try {
      const { snapshot } = await sync.run((since) => conn.request({ type: 'sync', ...(since !== null ? { since } : {}) }));
      this.firstSync = snapshot;
    } finally {
      timeline.release();
    }
    // Conversations whose messages arrived by this sync were noted (onReceived); their
    // `delivered` frames go out once live.
  }

  #onLive(): void {
    const { outbox, conn } = this.core;
    outbox.flush(conn);
    this.pointers.onLive();
    this.presence.resubscribe();
    if (this.firstSync) {
      this.firstSync = false;
      // A snapshot has no last events: the list fills them in.
      this.conversations.load().catch((err: unknown) => this.core.report(err, 'loading the conversation list'));
    }
  }

  #onFrame(frame: ServerFrame): void {
    const { timeline, report } = this.core;
    switch (frame.type) {
      case 'event':
        timeline.ingest(frame.event.conversationId, [frame.event], 'live').catch((err: unknown) => report(err, 'applying an event'));
        return;
      case 'receipt':
        timeline
          .applyReceipt(frame.conversationId, { accountId: frame.accountId, readSeq: frame.readSeq, deliveredSeq: frame.deliveredSeq })
          .catch((err: unknown) => report(err, 'applying a receipt'));
        return;
      case 'membership':
        timeline.applyMembership(frame).catch((err: unknown) => report(err, 'applying a membership change'));
        return;
      case 'typing':
        this.core.typing.received(frame);
        return;
      case 'presence':
        this.core.emit('presence', { accountId: frame.accountId, online: frame.online, lastSeenAt: frame.lastSeenAt });
        return;
      case 'error':
        report(OttrError.fromFrame(frame), 'the server sent an error');
        return;
      default:
      // Unknown frame types are ignored (the protocol may add some).
    }
  }

  #onState(change: StateChange): void {
    if (change.state === 'closed-by-server' && change.closeCode !== undefined) {
      const reason =
        change.closeCode === CLOSE.sessionRevoked ? 'revoked' : change.closeCode === CLOSE.accountDeleted ? 'account-deleted' : change.closeCode === CLOSE.accountSuspended ? 'suspended' : null;
      if (reason) this.core.sessions.markEnded(new OttrError(endCode(change.closeCode), change.reason), reason, change.closeCode);
    }
    if (change.state !== 'live') this.core.typing.stopAll(false);
    this.core.emit('state', change);
  }

  async #wipe(store: SdkStore): Promise<void> {
    this.disconnect();
    await this.core.timeline.idle().catch(() => undefined);
    await this.core.timeline.reset();
    await this.core.sync.clear();
    this.core.outbox.clear();
    await this.core.outbox.persist();
    await this.core.sessions.clear();
    await clearClientData(store);
    this.pointers.clear();
  }
}

function toSaved(s: SessionInput): SavedSession {
  return {
    accountId: s.accountId as AccountId,
    deviceId: s.deviceId as DeviceId,
    accessToken: s.accessToken,
    refreshToken: s.refreshToken,
    ...(s.accessTokenExpiresAt !== undefined ? { accessTokenExpiresAt: s.accessTokenExpiresAt } : {}),
  };
}

function endCode(closeCode: number | undefined): 'session_revoked' | 'account_suspended' | 'forbidden' | 'unauthorized' {
  if (closeCode === CLOSE.sessionRevoked) return 'session_revoked';
  if (closeCode === CLOSE.accountSuspended) return 'account_suspended';
  if (closeCode === CLOSE.accountDeleted || closeCode === CLOSE.replaced || closeCode === CLOSE.protocolUnsupported) return 'forbidden';
  return 'unauthorized';
}

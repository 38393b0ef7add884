import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { AccountId, ClientEvents, ConnectionState, ConversationId, ConversationListItem, LocalMessage, OttrClient, Presence, Profile } from '@ottr/sdk/browser';
import type { Profiles } from './profiles.js';

/** What the app shares: the SDK client and the profile cache. */
export interface Ottr {
  client: OttrClient;
  profiles: Profiles;
}

const OttrContext = createContext<Ottr | null>(null);

export function OttrProvider({ value, children }: { value: Ottr; children: ReactNode }) {
  return <OttrContext.Provider value={value}>{children}</OttrContext.Provider>;
}

/** The app's client and caches (inside OttrProvider). */
export function useOttr(): Ottr {
  const ottr = useContext(OttrContext);
  if (!ottr) throw new Error('useOttr outside OttrProvider');
  return ottr;
}

/**
 * A value computed from the client, recomputed when one of `events` fires (and `relevant` says
 * it concerns this view). `key` names what the value depends on besides the client (e.g. the
 * conversation id): a new key recomputes at once. The snapshot is cached between events so that
 * React sees a stable value (useSyncExternalStore).
 */
export function useClientValue<T, K extends keyof ClientEvents>(
  events: readonly K[],
  read: (client: OttrClient) => T,
  key = '',
  relevant?: (event: K, payload: ClientEvents[K]) => boolean,
): T {
  const { client } = useOttr();
  const latest = useRef({ read, relevant });
  latest.current = { read, relevant };
  const cache = useRef<{ value: T; stale: boolean; key: string } | null>(null);
  if (!cache.current || cache.current.key !== key) cache.current = { value: read(client), stale: false, key };
  const eventsKey = events.join(',');
  const subscribe = useCallback(
    (notify: () => void) => {
      const offs = (eventsKey.split(',') as K[]).map((name) =>
        client.on(name, (payload) => {
          const check = latest.current.relevant;
          if (check && !check(name, payload)) return;
          if (cache.current) cache.current.stale = true;
          notify();
        }),
      );
      return () => offs.forEach((off) => off());
    },
    [client, eventsKey],
  );
  return useSyncExternalStore(subscribe, () => {
    const c = cache.current!;
    if (c.stale) {
      c.value = latest.current.read(client);
      c.stale = false;
    }
    return c.value;
  });
}

/** The connection state (live, connecting, offline …). */
export function useConnectionState(): ConnectionState {
  return useClientValue(['state'], (c) => c.state);
}

/** The active, not archived conversations in list order (pinned first, then by activity). */
export function useConversations(opts: { archived?: boolean } = {}): ConversationListItem[] {
  const archived = opts.archived ?? false;
  return useClientValue(['conversations', 'membership', 'system'], (c) => c.conversations.list({ archived }), String(archived));
}

/** One conversation as cached (any membership status), kept current. */
export function useConversation(id: ConversationId | null): ConversationListItem | null {
  return useClientValue(
    ['conversations', 'membership', 'system'],
    (c) => (id ? c.conversations.cached(id) : null),
    id ?? '',
    (name, p) => !id || (name === 'conversations' ? (p as ClientEvents['conversations']).changed.includes(id) : (p as { conversationId: ConversationId }).conversationId === id),
  );
}

const MESSAGE_EVENTS = ['message', 'status', 'edit', 'delete', 'reaction', 'event', 'receipt'] as const;

/** The cached messages of a conversation, oldest first, then the ones still to send. */
export function useMessages(id: ConversationId): LocalMessage[] {
  return useClientValue(MESSAGE_EVENTS, (c) => c.messages.list(id), id, (name, p) => {
    if (name === 'event') return (p as ClientEvents['event']).event.conversationId === id;
    return (p as { conversationId: ConversationId }).conversationId === id;
  });
}

/** Who is typing in a conversation now. */
export function useTyping(id: ConversationId | null): AccountId[] {
  return useClientValue(['typing', 'state'], (c) => (id ? c.typing.who(id) : []), id ?? '', (name, p) => name === 'state' || (p as ClientEvents['typing']).conversationId === id);
}

/** The signed-in account's id, or null. */
export function useMe(): AccountId | null {
  return useClientValue(['session'], (c) => c.session?.accountId ?? null);
}

/**
 * Presence of accounts (watched while the component is mounted); undefined while unknown or
 * hidden by their privacy setting.
 */
export function usePresence(accountIds: readonly AccountId[]): Map<AccountId, Presence> {
  const { client } = useOttr();
  const [states, setStates] = useState(() => new Map<AccountId, Presence>());
  const key = [...accountIds].sort().join(',');
  useEffect(() => {
    if (!key) return;
    const ids = key.split(',') as AccountId[];
    let stopped = false;
    const put = (list: Presence[]) => {
      if (stopped) return;
      setStates((prev) => {
        const next = new Map(prev);
        for (const p of list) if (ids.includes(p.accountId)) next.set(p.accountId, p);
        return next;
      });
    };
    const off = client.on('presence', (p) => put([p]));
    const subscribe = () => client.presence.subscribe(ids).then(put, () => undefined);
    void subscribe();
    const offState = client.on('state', (change) => {
      if (change.state === 'live') void subscribe();
    });
    return () => {
      stopped = true;
      off();
      offState();
      void client.presence.unsubscribe(ids).catch(() => undefined);
    };
  }, [client, key]);
  return states;
}

/** A profile (display name …) from the cache, fetched when missing; null until known. */
export function useProfile(accountId: AccountId | null | undefined): Profile | null {
  const { profiles } = useOttr();
  const subscribe = useMemo(() => (notify: () => void) => profiles.subscribe(notify), [profiles]);
  return useSyncExternalStore(subscribe, () => (accountId ? profiles.get(accountId) : null));
}

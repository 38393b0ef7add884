import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConversationId, LocalMessage, SystemEvent } from '@ottr/sdk/browser';
import { useOttr } from '../../app/ottr.js';

const SYSTEM_TYPES = new Set<string>(['conversation_created', 'member_added', 'member_joined', 'member_left', 'member_removed', 'role_changed', 'title_changed', 'description_changed']);

interface Paged {
  /** Messages of pages fetched with history() (the SDK's cache may not keep them all). */
  older: LocalMessage[];
  /** System events seen in pages and live (the SDK's message list has only messages). */
  system: SystemEvent[];
  /** The first page reached the start of what this account may see. */
  atStart: boolean;
  /** The latest page was fetched once (for the system events around the newest messages). */
  latestLoaded: boolean;
}

// Kept for the page's life, so that reopening a chat does not fetch its pages again.
const pagedByConversation = new Map<ConversationId, Paged>();

function mergeSystem(a: readonly SystemEvent[], b: readonly SystemEvent[]): SystemEvent[] {
  const bySeq = new Map<number, SystemEvent>();
  for (const e of [...a, ...b]) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((x, y) => x.seq - y.seq);
}

/**
 * Older history for the chat view: pages fetched backwards with `client.messages.history`, the
 * conversation's system events, and whether the start was reached. `loadOlder(firstSeq)` asks
 * for the page before the oldest shown entry (once at a time; after a failure, again when the
 * connection is back or on `retry`).
 */
export function useHistory(id: ConversationId) {
  const { client } = useOttr();
  const [paged, setPaged] = useState<Paged>(() => pagedByConversation.get(id) ?? { older: [], system: [], atStart: false, latestLoaded: false });
  const [failed, setFailed] = useState(false);
  const loading = useRef(false);
  const current = useRef(paged);
  current.current = paged;

  const update = useCallback(
    (fn: (p: Paged) => Paged) =>
      setPaged((p) => {
        const next = fn(p);
        pagedByConversation.set(id, next);
        return next;
      }),
    [id],
  );

  useEffect(
    () =>
      client.on('event', ({ event }) => {
        if (event.conversationId !== id || !SYSTEM_TYPES.has(event.type)) return;
        update((p) => ({ ...p, system: mergeSystem(p.system, [event as SystemEvent]) }));
      }),
    [client, id, update],
  );

  useEffect(
    () =>
      client.on('state', (change) => {
        if (change.state === 'live') setFailed(false);
      }),
    [client],
  );

  const load = useCallback(
    (before: number | undefined) => {
      loading.current = true;
      client.messages.history(id, before !== undefined ? { before } : {}).then(
        (page) => {
          loading.current = false;
          const system = page.events.filter((e): e is SystemEvent => SYSTEM_TYPES.has(e.type));
          update((p) => ({
            older: before === undefined ? mergeOlder(p.older, page.messages) : mergeOlder(page.messages, p.older),
            system: mergeSystem(p.system, system),
            atStart: p.atStart || page.before === null,
            latestLoaded: true,
          }));
        },
        () => {
          loading.current = false;
          setFailed(true);
        },
      );
    },
    [client, id, update],
  );

  // The latest page once per chat (its system events), at open and again when the connection is back.
  useEffect(() => {
    const latest = () => {
      if (!current.current.latestLoaded && !loading.current) load(undefined);
    };
    latest();
    return client.on('state', (change) => {
      if (change.state === 'live') latest();
    });
  }, [client, load]);

  /** Fetches the page before `firstSeq` (the oldest shown entry), or the latest page first. */
  const loadOlder = useCallback(
    (firstSeq: number | null) => {
      const p = current.current;
      if (loading.current || p.atStart || failed) return;
      if (!p.latestLoaded) load(undefined);
      else if (firstSeq === null || firstSeq <= 1) update((x) => ({ ...x, atStart: true }));
      else load(firstSeq);
    },
    [failed, load, update],
  );

  const retry = useCallback(() => setFailed(false), []);

  return { older: paged.older, system: paged.system, atStart: paged.atStart, failed, loadOlder, retry };
}

function mergeOlder(a: readonly LocalMessage[], b: readonly LocalMessage[]): LocalMessage[] {
  const bySeq = new Map<number, LocalMessage>();
  for (const m of [...a, ...b]) if (m.seq !== null) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((x, y) => x.seq! - y.seq!);
}

import type { AccountId, ConversationEvent } from '@ottr/protocol';
import type { OttrClient } from '@ottr/sdk/node';
import type { Names } from './output/events.js';

const MAX_LOOKUPS = 200;
const PARALLEL = 8;

/**
 * Fills `names` with the display names of `ids` it does not know yet (profiles fetched a few at a
 * time; at most 200 per run — the rest show as shortened ids). Failures leave ids unnamed.
 */
export async function learnNames(client: OttrClient, names: Names, ids: Iterable<string | null | undefined>): Promise<void> {
  const wanted = [...new Set([...ids].filter((id): id is string => !!id && !names.has(id)))].slice(0, MAX_LOOKUPS);
  for (let i = 0; i < wanted.length; i += PARALLEL) {
    const batch = wanted.slice(i, i + PARALLEL);
    const profiles = await Promise.allSettled(batch.map((id) => client.profile.get(id as AccountId)));
    profiles.forEach((p, j) => {
      if (p.status === 'fulfilled') names.set(batch[j]!, p.value.deleted ? 'deleted account' : p.value.displayName);
    });
  }
}

/** Accounts an event mentions: its sender and, for member events, the member. */
export function accountsOf(e: ConversationEvent): string[] {
  const ids: string[] = [];
  if (e.sender) ids.push(e.sender);
  if ('accountId' in e) ids.push(e.accountId);
  if (e.type === 'message' && e.forwarded?.senderId) ids.push(e.forwarded.senderId);
  return ids;
}

import { useEffect, useReducer } from 'react';
import type { AccountId, ConversationListItem } from '@ottr/sdk/browser';
import { useOttr } from '../../app/ottr.js';
import type { Profiles } from '../../app/profiles.js';

/** The other person of a direct chat (yourself in a chat with yourself); null for groups and channels. */
export function peerOf(item: ConversationListItem, me: AccountId | null): AccountId | null {
  const c = item.conversation;
  if (c.kind !== 'direct') return null;
  return c.participants.find((p) => p !== me) ?? c.participants[0] ?? null;
}

/** A conversation's title: the group's or channel's title; for direct chats the other person's name ("You" with yourself). */
export function titleOf(item: ConversationListItem, me: AccountId | null, profiles: Pick<Profiles, 'get'>): string {
  const c = item.conversation;
  if (c.kind !== 'direct') return c.title?.trim() || (c.kind === 'channel' ? 'Untitled channel' : 'Untitled group');
  const peer = peerOf(item, me);
  if (!peer) return 'Unknown';
  if (peer === me) return 'You';
  const profile = profiles.get(peer);
  if (profile?.deleted) return 'Deleted account';
  return profile?.displayName || 'Someone';
}

/**
 * Re-renders whenever a profile lands in the cache (for components that read many names); the
 * returned count changes each time, for memoised children that read names too.
 */
export function useProfilesChanged(): number {
  const { profiles } = useOttr();
  const [version, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => profiles.subscribe(bump), [profiles]);
  return version;
}

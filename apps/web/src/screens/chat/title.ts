import type { AccountId, ConversationListItem } from '@ottr/sdk/browser';
import { useProfile } from '../../app/ottr.js';

/** The other person of a direct chat (yourself in a chat with yourself); null for groups and channels. */
export function peerOf(item: ConversationListItem | null, me: AccountId | null): AccountId | null {
  if (!item || item.conversation.kind !== 'direct') return null;
  const ps = item.conversation.participants;
  return ps.find((p) => p !== me) ?? ps[0] ?? null;
}

/** A conversation's title: the other person's name in a direct chat, else its title. */
export function useTitle(item: ConversationListItem | null, me: AccountId | null): string {
  const peer = peerOf(item, me);
  const profile = useProfile(peer);
  if (!item) return 'Chat';
  if (item.conversation.kind === 'direct') return profile?.displayName || (profile?.deleted ? 'Deleted account' : 'Someone');
  return item.conversation.title || (item.conversation.kind === 'channel' ? 'Channel' : 'Group');
}

import type { ConversationId } from '@ottr/sdk/browser';

/** PLACEHOLDER until the list lands. */
export function ConversationList({ activeId }: { activeId: ConversationId | null }) {
  return <p>{activeId}</p>;
}

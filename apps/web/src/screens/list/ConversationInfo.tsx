import type { ConversationId } from '@ottr/sdk/browser';

/** PLACEHOLDER until info lands. */
export function ConversationInfo({ id }: { id: ConversationId }) {
  return <p>{id}</p>;
}

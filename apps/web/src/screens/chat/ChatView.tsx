import type { ConversationId } from '@ottr/sdk/browser';

/** PLACEHOLDER until the chat view lands. */
export function ChatView({ id }: { id: ConversationId }) {
  return <p>{id}</p>;
}

import type { LocalMessage } from '@ottr/sdk/browser';

export type MenuAction = 'reply' | 'forward' | 'copy' | 'edit' | 'delete' | 'retry' | 'discard';

/** Which actions a message offers (pending or failed ones only what makes sense before the server has them). */
export function menuActions(message: LocalMessage, own: boolean, admin: boolean): MenuAction[] {
  const hasText = message.content?.kind === 'text' || (message.content !== null && 'caption' in message.content && !!message.content.caption);
  if (message.status === 'failed') return ['retry', 'discard', ...(hasText ? (['copy'] as const) : [])];
  if (message.status === 'pending' || !message.id) return [...(hasText ? (['copy'] as const) : []), 'discard'];
  if (!message.content) return []; // deleted: nothing left to act on
  const out: MenuAction[] = ['reply', 'forward'];
  if (hasText) out.push('copy');
  if (own && message.content.kind === 'text') out.push('edit');
  if (own || admin) out.push('delete');
  return out;
}

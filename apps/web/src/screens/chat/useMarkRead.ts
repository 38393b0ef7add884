import { useEffect } from 'react';
import type { ConversationId, ConversationListItem } from '@ottr/sdk/browser';
import { useOttr } from '../../app/ottr.js';

/** True when the reader can see the page: the tab is visible and the window has focus. */
function seen(): boolean {
  return document.visibilityState === 'visible' && document.hasFocus();
}

/**
 * Marks the open chat read as messages arrive — only while the page is visible and focused (a
 * hidden tab or a window in the background reads nothing); when it comes back, it catches up.
 */
export function useMarkRead(id: ConversationId, item: ConversationListItem): void {
  const { client } = useOttr();
  const lastSeq = item.conversation.lastSeq;
  const behind = item.unreadCount > 0 || item.membership.readSeq < lastSeq;
  useEffect(() => {
    if (!behind) return;
    const mark = () => {
      if (seen()) client.messages.markRead(id).catch(() => undefined);
    };
    mark();
    window.addEventListener('focus', mark);
    document.addEventListener('visibilitychange', mark);
    return () => {
      window.removeEventListener('focus', mark);
      document.removeEventListener('visibilitychange', mark);
    };
  }, [client, id, behind, lastSeq]);
}

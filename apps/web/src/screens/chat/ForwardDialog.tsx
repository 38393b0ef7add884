import type { LocalMessage } from '@ottr/sdk/browser';
import type { ConversationListItem } from '@ottr/sdk/browser';
import { useConversations, useMe, useOttr } from '../../app/ottr.js';
import { Avatar } from '../../components/Avatar.js';
import { Dialog } from '../../components/Dialog.js';
import { errorText, useToast } from '../../components/Toasts.js';
import { useTitle } from './title.js';

function Target({ item, onPick }: { item: ConversationListItem; onPick: (item: ConversationListItem) => void }) {
  const me = useMe();
  const title = useTitle(item, me);
  const cannotPost = item.conversation.kind === 'channel' && item.membership.role === 'member';
  if (cannotPost) return null;
  return (
    <li>
      <button type="button" className="forward-target" onClick={() => onPick(item)}>
        <Avatar id={item.conversation.id} name={title} size="sm" />
        <span>{title}</span>
      </button>
    </li>
  );
}

/** "Forward message": pick a conversation; the server copies the message there. */
export function ForwardDialog({ message, onClose }: { message: LocalMessage; onClose: () => void }) {
  const { client } = useOttr();
  const toast = useToast();
  const items = useConversations();
  const pick = (item: ConversationListItem) => {
    try {
      if (message.id) client.messages.forward(message.id, item.conversation.id);
      toast('Message forwarded');
    } catch (err) {
      toast(`Could not forward: ${errorText(err)}`);
    }
    onClose();
  };
  return (
    <Dialog title="Forward message" onClose={onClose}>
      {items.length === 0 ? <p className="hint">No chats yet.</p> : null}
      <ul className="forward-list" aria-label="Forward to">
        {items.map((item) => (
          <Target key={item.conversation.id} item={item} onPick={pick} />
        ))}
      </ul>
    </Dialog>
  );
}

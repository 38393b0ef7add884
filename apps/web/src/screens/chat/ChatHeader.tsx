import type { AccountId, ConversationListItem } from '@ottr/sdk/browser';
import { useOttr, usePresence, useTyping } from '../../app/ottr.js';
import { navigate } from '../../app/router.js';
import { Avatar } from '../../components/Avatar.js';
import { Icon } from '../../components/Icon.js';
import { memberCountText, presenceText, typingText } from './labels.js';
import { peerOf, useTitle } from './title.js';
import { useProfilesVersion } from './useProfilesVersion.js';

const NO_ONE: AccountId[] = [];

/** The chat's header: Back (phone width), avatar, title, status line (typing, presence or member count), Chat info. */
export function ChatHeader({ item, me }: { item: ConversationListItem; me: AccountId }) {
  const { profiles } = useOttr();
  useProfilesVersion();
  const id = item.conversation.id;
  const kind = item.conversation.kind;
  const title = useTitle(item, me);
  const peer = peerOf(item, me);
  const presence = usePresence(peer && peer !== me ? [peer] : NO_ONE);
  const typing = useTyping(id).filter((a) => a !== me);
  const status =
    typingText(kind, typing.map((a) => profiles.name(a))) ??
    (kind === 'direct' ? (peer ? presenceText(presence.get(peer), Date.now()) : null) : memberCountText(kind, item.conversation.memberCount));
  const online = kind === 'direct' && peer !== null && presence.get(peer)?.online === true;
  return (
    <header className="pane-header chat-header">
      <button type="button" className="icon-btn back-btn" aria-label="Back" onClick={() => navigate({ name: 'home' })}>
        <Icon name="back" />
      </button>
      <Avatar id={peer ?? id} name={title} online={online} />
      <div className="chat-header-text">
        <h2>{title}</h2>
        {status ? <p className={`chat-status ${typing.length > 0 ? 'chat-status-typing' : ''}`}>{status}</p> : null}
      </div>
      <button type="button" className="icon-btn" aria-label="Chat info" onClick={() => navigate({ name: 'info', id })}>
        <Icon name="info" />
      </button>
    </header>
  );
}

import { memo } from 'react';
import type { AccountId, ConversationListItem } from '@ottr/sdk/browser';
import { useOttr, useTyping } from '../../app/ottr.js';
import { navigate, routePath } from '../../app/router.js';
import { Avatar } from '../../components/Avatar.js';
import { Icon } from '../../components/Icon.js';
import { isMuted } from './mute.js';
import { previewText } from '../../app/preview.js';
import { listTime } from './time.js';

export interface ItemMenuRequest {
  item: ConversationListItem;
  at: { x: number; y: number };
  returnTo: HTMLElement | null;
}

/** Follows an in-app link without a page load (unless a modifier asks for a new tab or window). */
export function followLink(e: React.MouseEvent<HTMLAnchorElement>, go: () => void): void {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  go();
}

/**
 * One conversation in the sidebar: a link named by its title (then time, preview, badges), and a
 * "Chat options" button (also on right-click) for pin, mute and archive.
 */
export const ConversationItem = memo(function ConversationItem({
  item,
  title,
  avatarId,
  me,
  active,
  online,
  now,
  onMenu,
}: {
  /** Changes when names arrive in the profile cache (the preview shows names). */
  names: number;
  item: ConversationListItem;
  title: string;
  /** Whose colour the avatar takes: the other person of a direct chat, else the conversation. */
  avatarId: string;
  me: AccountId | null;
  active: boolean;
  online: boolean;
  now: number;
  onMenu: (request: ItemMenuRequest) => void;
}) {
  const { profiles } = useOttr();
  const c = item.conversation;
  const typing = useTyping(c.id).filter((id) => id !== me);
  const muted = isMuted(item.membership.muteUntil, now);
  const unread = item.unreadCount;
  const name = (id: AccountId) => profiles.name(id);
  const preview = typing.length > 0 ? typingText(typing, c.kind === 'direct', name) : previewText(item.lastEvent, { me, kind: c.kind, name });
  const href = routePath({ name: 'chat', id: c.id });

  return (
    <li
      className={`conv-item${active ? ' conv-item-active' : ''}`}
      onContextMenu={(e) => {
        e.preventDefault();
        onMenu({ item, at: { x: e.clientX, y: e.clientY }, returnTo: e.currentTarget.querySelector('a') });
      }}
    >
      <a className="conv-link" href={href} aria-current={active ? 'page' : undefined} onClick={(e) => followLink(e, () => navigate({ name: 'chat', id: c.id }))}>
        <Avatar id={avatarId} name={title} online={online} />
        <span className="conv-main">
          <span className="conv-top">
            <span className="conv-title">{title}</span>
            {c.lastEventAt ? (
              <time className={`conv-time${unread > 0 && !muted ? ' conv-time-unread' : ''}`} dateTime={new Date(c.lastEventAt).toISOString()}>
                {listTime(c.lastEventAt, now)}
              </time>
            ) : null}
          </span>
          <span className="conv-bottom">
            <span className={`conv-preview${typing.length > 0 ? ' conv-typing' : ''}`}>{preview}</span>
            {muted ? (
              <span className="conv-flag" role="img" aria-label="Muted">
                <Icon name="muted" />
              </span>
            ) : null}
            {item.membership.pinned ? (
              <span className="conv-flag" role="img" aria-label="Pinned">
                <Icon name="pin" />
              </span>
            ) : null}
            {unread > 0 ? (
              <span className={`badge conv-badge${muted ? ' conv-badge-muted' : ''}`} role="img" aria-label={`${unread} unread`}>
                {unread > 999 ? '999+' : unread}
              </span>
            ) : null}
          </span>
        </span>
      </a>
      <button
        type="button"
        className="icon-btn conv-options"
        aria-label="Chat options"
        aria-haspopup="menu"
        onClick={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          onMenu({ item, at: { x: r.left, y: r.bottom }, returnTo: e.currentTarget });
        }}
      >
        <Icon name="down" />
      </button>
    </li>
  );
});

function typingText(who: AccountId[], direct: boolean, name: (id: AccountId) => string): string {
  if (direct) return 'typing…';
  if (who.length === 1) return `${name(who[0]!)} is typing…`;
  return `${who.length} people are typing…`;
}

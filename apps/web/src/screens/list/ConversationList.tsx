import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ConversationId, ConversationListItem } from '@ottr/sdk/browser';
import { useConnectionState, useConversations, useMe, useOttr, usePresence } from '../../app/ottr.js';
import { navigate } from '../../app/router.js';
import { Icon } from '../../components/Icon.js';
import { errorText, useToast } from '../../components/Toasts.js';
import { ConversationItem, type ItemMenuRequest } from './ConversationItem.js';
import { Menu, type MenuItem } from '../../components/Menu.js';
import { MessageHits } from './MessageHits.js';
import { MUTE_CHOICES, isMuted, muteUntil } from './mute.js';
import { NewChatDialog } from './NewChatDialog.js';
import { NewGroupDialog } from './NewGroupDialog.js';
import { filterByTitle, fold, MESSAGE_SEARCH_MIN } from './search.js';
import { peerOf, titleOf, useProfilesChanged } from './titles.js';
import { useNow } from './useNow.js';
import './list.css';

/**
 * The sidebar: "Chats" with New chat / New group / Settings, the search box (titles as you type,
 * message hits from two characters), the conversations in the SDK's order (pinned, then
 * activity), and the archive at the bottom.
 *
 * The SDK fills the list itself: a device with an empty cache syncs from a snapshot and then
 * loads the whole list (client.ts #onLive), so the list does not load it a second time.
 */
export function ConversationList({ activeId }: { activeId: ConversationId | null }) {
  const { client, profiles } = useOttr();
  const me = useMe();
  const state = useConnectionState();
  const toast = useToast();
  const names = useProfilesChanged();
  const now = useNow(60_000);
  const [archivedView, setArchivedView] = useState(false);
  const items = useConversations({ archived: archivedView });
  const archived = useConversations({ archived: true });
  const [query, setQuery] = useState('');
  const [dialog, setDialog] = useState<'chat' | 'group' | null>(null);
  const [menu, setMenu] = useState<ItemMenuRequest | null>(null);

  const peers = useMemo(() => [...new Set(items.map((i) => peerOf(i, me)).filter((p) => p !== null && p !== me))], [items, me]);
  const presence = usePresence(peers as NonNullable<(typeof peers)[number]>[]);

  // The archive is fetched fresh when opened (the cache may predate an archive on another device).
  useEffect(() => {
    if (!archivedView) return;
    client.conversations.load({ archived: true }).catch((err: unknown) => toast(errorText(err)));
  }, [archivedView, client, toast]);

  const title = (item: ConversationListItem) => titleOf(item, me, profiles);
  const trimmed = query.trim();
  const shown = trimmed ? filterByTitle(items, trimmed, title) : items;
  const titleById = (id: ConversationId) => {
    const item = client.conversations.cached(id);
    return item ? titleOf(item, me, profiles) : null;
  };

  const closeMenu = useCallback(() => setMenu(null), []);
  const act = (work: Promise<unknown>) => void work.catch((err: unknown) => toast(errorText(err)));

  const menuItems = (item: ConversationListItem): MenuItem[] => {
    const id = item.conversation.id;
    const m = item.membership;
    const list: MenuItem[] = [{ label: m.pinned ? 'Unpin' : 'Pin', onSelect: () => act(client.conversations.pin(id, !m.pinned)) }];
    if (isMuted(m.muteUntil, Date.now())) list.push({ label: 'Unmute', onSelect: () => act(client.conversations.unmute(id)) });
    else for (const c of MUTE_CHOICES) list.push({ label: c.id === 'always' ? 'Mute always' : `Mute for ${c.label}`, onSelect: () => act(client.conversations.mute(id, muteUntil(c.id, Date.now()))) });
    list.push(m.archived ? { label: 'Unarchive', onSelect: () => act(client.conversations.archive(id, false)) } : { label: 'Archive', onSelect: () => act(client.conversations.archive(id, true)) });
    list.push({ label: 'Chat info', onSelect: () => navigate({ name: 'info', id }) });
    return list;
  };

  // Up/Down move between the conversations (Home/End to the ends).
  const onListKey = (e: React.KeyboardEvent<HTMLUListElement>) => {
    if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) return;
    const links = [...e.currentTarget.querySelectorAll<HTMLAnchorElement>(':scope > li > a')];
    const i = links.findIndex((a) => a.contains(document.activeElement));
    const next = e.key === 'Home' ? links[0] : e.key === 'End' ? links.at(-1) : e.key === 'ArrowDown' ? links[Math.min(i + 1, links.length - 1)] : links[Math.max(i - 1, 0)];
    if (next) {
      e.preventDefault();
      next.focus();
    }
  };

  return (
    <div className="conv-list">
      {archivedView ? (
        <div className="pane-header">
          <button type="button" className="icon-btn" aria-label="Back to chats" onClick={() => setArchivedView(false)}>
            <Icon name="back" />
          </button>
          <h1>Archived</h1>
        </div>
      ) : (
        <div className="pane-header">
          <h1>Chats</h1>
          <button type="button" className="icon-btn" aria-label="New chat" title="New chat" onClick={() => setDialog('chat')}>
            <Icon name="newChat" />
          </button>
          <button type="button" className="icon-btn" aria-label="New group" title="New group" onClick={() => setDialog('group')}>
            <Icon name="group" />
          </button>
          <button type="button" className="icon-btn" aria-label="Settings" title="Settings" onClick={() => navigate({ name: 'settings' })}>
            <Icon name="settings" />
          </button>
        </div>
      )}
      <div className="list-search" role="search">
        <Icon name="search" className="list-search-icon" />
        <input
          type="search"
          className="input list-search-input"
          aria-label="Search chats"
          placeholder="Search chats"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && query) {
              e.preventDefault();
              setQuery('');
            }
          }}
        />
      </div>
      <div className="pane-body list-body">
        {shown.length > 0 ? (
          <ul className="conv-ul" aria-label={archivedView ? 'Archived conversations' : 'Conversations'} onKeyDown={onListKey}>
            {shown.map((item) => {
              const peer = peerOf(item, me);
              return (
                <ConversationItem
                  key={item.conversation.id}
                  item={item}
                  title={title(item)}
                  avatarId={peer ?? item.conversation.id}
                  me={me}
                  active={item.conversation.id === activeId}
                  online={peer !== null && peer !== me && presence.get(peer)?.online === true}
                  now={now}
                  names={names}
                  onMenu={setMenu}
                />
              );
            })}
          </ul>
        ) : trimmed ? (
          <p className="list-note" role="status">
            No chats match “{trimmed}”
          </p>
        ) : archivedView ? (
          <p className="list-note">No archived chats</p>
        ) : state !== 'live' && archived.length === 0 ? (
          <p className="list-note" role="status">
            Loading chats…
          </p>
        ) : (
          <p className="list-note list-empty">No chats yet — start one with New chat</p>
        )}
        {fold(trimmed).length >= MESSAGE_SEARCH_MIN ? <MessageHits query={trimmed} titleOf={titleById} /> : null}
        {!archivedView && !trimmed && archived.length > 0 ? (
          <button type="button" className="archive-entry" onClick={() => setArchivedView(true)}>
            <span>Archived</span>
            <span className="archive-count">{archived.length}</span>
          </button>
        ) : null}
      </div>
      {menu ? <Menu label="Chat options" items={menuItems(menu.item)} at={menu.at} returnTo={menu.returnTo} onClose={closeMenu} /> : null}
      {dialog === 'chat' ? <NewChatDialog onClose={() => setDialog(null)} /> : null}
      {dialog === 'group' ? <NewGroupDialog onClose={() => setDialog(null)} /> : null}
    </div>
  );
}

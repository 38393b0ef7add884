import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { AccountId, Content, ConversationId, ConversationListItem, LocalMessage } from '@ottr/sdk/browser';
import { useConversation, useMe, useMessages, useOttr } from '../../app/ottr.js';
import { Icon } from '../../components/Icon.js';
import { systemText } from '../../app/preview.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { errorText, useToast } from '../../components/Toasts.js';
import { ChatHeader } from './ChatHeader.js';
import { Composer } from './Composer.js';
import { ForwardDialog } from './ForwardDialog.js';
import { MessageBubble, type BubbleActions } from './MessageBubble.js';
import { MessageLog, type LogControl } from './MessageLog.js';
import { MessageMenu } from './MessageMenu.js';
import { menuActions, type MenuAction } from './menu-actions.js';
import { excerpt } from './MessageContent.js';
import { buildRows, mergeTimeline, type Row } from './rows.js';
import { useHistory } from './useHistory.js';
import { useMarkRead } from './useMarkRead.js';
import { useProfilesVersion } from './useProfilesVersion.js';
import { Lightbox, type ImageContent } from './media/Lightbox.js';
import { SendSheet } from './media/SendSheet.js';
import { useFileDrop } from './media/useFileDrop.js';
import './chat.css';
import './media/media.css';

/** The chat screen: header, history, composer. Waits for the conversation when it is not cached yet. */
export function ChatView({ id }: { id: ConversationId }) {
  const { client } = useOttr();
  const item = useConversation(id);
  const me = useMe();
  const [missing, setMissing] = useState(false);
  const known = item !== null;
  useEffect(() => {
    if (known) return;
    client.conversations.get(id).catch(() => setMissing(true));
  }, [client, id, known]);
  if (!item || !me) {
    return (
      <section className="chat" aria-label="Chat">
        <p className="chat-placeholder">{missing ? 'This chat is not available.' : 'Loading…'}</p>
      </section>
    );
  }
  return <ChatScreen item={item} me={me} />;
}

type MenuState = { message: LocalMessage; at: { x: number; y: number } | HTMLElement } | null;

function ChatScreen({ item, me }: { item: ConversationListItem; me: AccountId }) {
  const { client, profiles } = useOttr();
  const toast = useToast();
  useProfilesVersion();
  const id = item.conversation.id;
  const kind = item.conversation.kind;
  const admin = kind !== 'direct' && (item.membership.role === 'owner' || item.membership.role === 'admin');
  const canPost = item.membership.status === 'active' && !(kind === 'channel' && item.membership.role === 'member');

  const cached = useMessages(id);
  const history = useHistory(id);
  // Discarding a message changes the outbox without an event; hide it here at once.
  const [discarded, setDiscarded] = useState<ReadonlySet<string>>(() => new Set());
  const items = useMemo(
    () => mergeTimeline(history.older, cached, history.system).filter((i) => i.kind !== 'message' || !discarded.has(i.message.clientMsgId)),
    [history.older, cached, history.system, discarded],
  );
  // The unread marker stays where the reader's pointer was when the chat opened.
  const [readSeqAtOpen] = useState(() => (item.unreadCount > 0 ? item.membership.readSeq : null));
  const top = history.atStart ? 'start' : history.failed ? 'failed' : 'loading';
  const rows = useMemo(
    () => buildRows(items, { me, readSeq: readSeqAtOpen, now: Date.now(), top: top === 'failed' ? 'more' : top }),
    [items, me, readSeqAtOpen, top],
  );
  const [startAt] = useState(() => (rows.some((r) => r.type === 'unread') ? 'unread' : null));
  const log = useRef<LogControl | null>(null);

  useMarkRead(id, item);
  const firstSeq = useMemo(() => {
    for (const i of items) {
      const seq = i.kind === 'message' ? i.message.seq : i.event.seq;
      if (seq !== null) return seq;
    }
    return null;
  }, [items]);

  // Announce new messages from others (the log itself is not live: see MessageLog).
  const [announcement, setAnnouncement] = useState('');
  useEffect(
    () =>
      client.on('message', (n) => {
        if (n.conversationId !== id || n.message.sender === me) return;
        setAnnouncement(`${profiles.name(n.message.sender)}: ${excerpt(n.message)}`);
      }),
    [client, id, me, profiles],
  );

  const [atBottom, setAtBottom] = useState(startAt === null);
  const jumpCountId = useId();
  // "New" are messages from others that arrived since the reader left the bottom (or, opened at
  // the unread marker, since the read pointer).
  const lastSeq = items.reduce((max, i) => Math.max(max, (i.kind === 'message' ? i.message.seq : i.event.seq) ?? 0), 0);
  const [seenUpTo, setSeenUpTo] = useState<number>(() => readSeqAtOpen ?? lastSeq);
  useEffect(() => {
    if (atBottom) setSeenUpTo(lastSeq);
  }, [atBottom, lastSeq]);
  // The unread messages may arrive (sync) after the chat opened: go to the marker then, unless
  // the reader already scrolled.
  const hasMarker = rows.some((r) => r.type === 'unread');
  const wentToMarker = useRef(startAt !== null);
  useEffect(() => {
    if (!hasMarker || wentToMarker.current) return;
    wentToMarker.current = true;
    if (log.current?.touched || !log.current?.toKey('unread', 'top')) return;
    if (readSeqAtOpen !== null) setSeenUpTo(readSeqAtOpen);
  }, [hasMarker, readSeqAtOpen]);
  const newBelow = atBottom ? 0 : items.filter((i) => i.kind === 'message' && i.message.sender !== me && (i.message.seq ?? 0) > seenUpTo).length;

  const [highlight, setHighlight] = useState<string | null>(null);
  useEffect(() => {
    if (!highlight) return;
    const t = setTimeout(() => setHighlight(null), 1600);
    return () => clearTimeout(t);
  }, [highlight]);

  const [menu, setMenu] = useState<MenuState>(null);
  const [replying, setReplying] = useState<LocalMessage | null>(null);
  const [editing, setEditing] = useState<LocalMessage | null>(null);
  const [forwarding, setForwarding] = useState<LocalMessage | null>(null);
  const [deleting, setDeleting] = useState<LocalMessage | null>(null);
  const [attaching, setAttaching] = useState<File | null>(null);
  const [lightbox, setLightbox] = useState<number | null>(null);
  const drop = useFileDrop(canPost, setAttaching);

  // The chat's photos, oldest first: the lightbox pages through them.
  const images = useMemo(() => {
    const list: { key: string; content: ImageContent }[] = [];
    for (const i of items) if (i.kind === 'message' && i.message.content?.kind === 'image') list.push({ key: i.message.clientMsgId, content: i.message.content });
    return list;
  }, [items]);

  const byId = useMemo(() => {
    const map = new Map<string, LocalMessage>();
    for (const i of items) if (i.kind === 'message' && i.message.id) map.set(i.message.id, i.message);
    return map;
  }, [items]);

  const actions = useMemo<BubbleActions>(
    () => ({
      me,
      showNames: kind !== 'direct',
      find: (messageId) => byId.get(messageId),
      jumpTo: (m) => {
        if (log.current?.toKey(m.clientMsgId)) setHighlight(m.clientMsgId);
      },
      openMenu: (message, at) => setMenu({ message, at }),
      retry: (m) => {
        try {
          client.messages.retry(m.clientMsgId);
        } catch (err) {
          toast(errorText(err));
        }
      },
      discard: (m) => {
        client.messages.discard(m.clientMsgId);
        setDiscarded((d) => new Set(d).add(m.clientMsgId));
      },
      toggleReaction: (m, emoji) => {
        if (!m.id) return;
        const mine = m.reactions.some((r) => r.emoji === emoji && r.accountIds.includes(me));
        (mine ? client.messages.unreact(m.id, emoji) : client.messages.react(m.id, emoji)).catch((err: unknown) => toast(`Could not react: ${errorText(err)}`));
      },
      openImage: (m) => setLightbox(Math.max(0, images.findIndex((i) => i.key === m.clientMsgId))),
    }),
    [me, kind, byId, client, toast, images],
  );

  /** Sends media, a sticker or a voice note (as a reply when replying), and shows it. */
  const sendContent = (content: Content) => {
    try {
      if (replying?.id) client.messages.reply({ conversationId: id, id: replying.id }, content);
      else client.messages.send(id, content);
    } catch (err) {
      toast(`Not sent: ${errorText(err)}`);
      return;
    }
    setReplying(null);
    log.current?.toBottom();
  };

  const closeMenu = useCallback(() => {
    setMenu((m) => {
      if (m && m.at instanceof HTMLElement && m.at.isConnected) m.at.focus();
      return null;
    });
  }, []);

  const onMenuAction = (action: MenuAction) => {
    const m = menu?.message;
    closeMenu();
    if (!m) return;
    switch (action) {
      case 'reply':
        setEditing(null);
        setReplying(m);
        break;
      case 'forward':
        setForwarding(m);
        break;
      case 'copy': {
        const c = m.content;
        const text = c?.kind === 'text' ? c.text : c && 'caption' in c ? (c.caption ?? '') : '';
        navigator.clipboard?.writeText(text).then(
          () => toast('Copied'),
          () => toast('Could not copy the text'),
        );
        break;
      }
      case 'edit':
        setReplying(null);
        setEditing(m);
        break;
      case 'delete':
        setDeleting(m);
        break;
      case 'retry':
        actions.retry(m);
        break;
      case 'discard':
        actions.discard(m);
        break;
    }
  };

  const editLast = () => {
    for (let i = items.length - 1; i >= 0; i--) {
      const it = items[i]!;
      if (it.kind === 'message' && it.message.sender === me && it.message.id && it.message.content?.kind === 'text') {
        setReplying(null);
        setEditing(it.message);
        return;
      }
    }
  };

  const renderRow = (row: Row) => {
    switch (row.type) {
      case 'top':
        return row.state === 'start' ? (
          <p className="log-note">This is the start of the conversation</p>
        ) : history.failed ? (
          <p className="log-note">
            Couldn’t load older messages.{' '}
            <button type="button" className="btn btn-small" onClick={history.retry}>
              Try again
            </button>
          </p>
        ) : (
          <p className="log-note">
            Loading older messages…
          </p>
        );
      case 'date':
        return (
          <div className="log-date" role="separator" aria-label={row.label}>
            <span>{row.label}</span>
          </div>
        );
      case 'unread':
        return (
          <div className="log-unread" role="separator" aria-label="Unread messages">
            <span>Unread messages</span>
          </div>
        );
      case 'system':
        return <p className="log-system">{systemText(row.event, { me, kind, name: (a) => profiles.name(a) })}</p>;
      case 'message':
        return <MessageBubble message={row.message} firstOfGroup={row.firstOfGroup} lastOfGroup={row.lastOfGroup} highlighted={highlight === row.key} actions={actions} />;
    }
  };

  const replyName = replying ? (replying.sender === me ? 'yourself' : profiles.name(replying.sender)) : '';

  return (
    <section className="chat" aria-label="Chat" {...drop.handlers}>
      <ChatHeader item={item} me={me} />
      <div className="chat-body">
        <MessageLog rows={rows} renderRow={renderRow} startAt={startAt} control={log} onNearTop={() => history.loadOlder(firstSeq)} onBottomChange={setAtBottom} />
        {!atBottom ? (
          <button type="button" className="jump-latest" aria-label="Jump to latest" aria-describedby={newBelow > 0 ? jumpCountId : undefined} onClick={() => log.current?.toBottom()}>
            <Icon name="down" />
            {newBelow > 0 ? (
              <span className="badge jump-count" id={jumpCountId}>
                {newBelow} new
              </span>
            ) : null}
          </button>
        ) : null}
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      {canPost ? (
        <Composer
          key={id}
          id={id}
          me={me}
          replying={replying}
          editing={editing}
          replyName={replyName}
          onCancelReply={() => setReplying(null)}
          onCancelEdit={() => setEditing(null)}
          onSent={() => log.current?.toBottom()}
          onEditLast={editLast}
          onAttach={setAttaching}
          onSendContent={sendContent}
        />
      ) : (
        <p className="composer-closed">{item.membership.status !== 'active' ? 'You are no longer a member of this chat' : 'Only admins can post in this channel'}</p>
      )}
      {menu ? (
        <MessageMenu
          at={menu.at}
          actions={menuActions(menu.message, menu.message.sender === me, admin).filter((a) => canPost || a !== 'reply')}
          canReact={menu.message.id !== null && menu.message.content !== null && item.membership.status === 'active'}
          onAction={onMenuAction}
          onReact={(emoji) => {
            actions.toggleReaction(menu.message, emoji);
            closeMenu();
          }}
          onClose={closeMenu}
        />
      ) : null}
      {drop.over ? (
        <div className="drop-overlay" aria-hidden="true">
          <Icon name="attach" />
          <span>Drop to send</span>
        </div>
      ) : null}
      {attaching ? <SendSheet file={attaching} onSend={sendContent} onClose={() => setAttaching(null)} /> : null}
      {lightbox !== null ? <Lightbox images={images.map((i) => i.content)} start={lightbox} onClose={() => setLightbox(null)} /> : null}
      {forwarding ? <ForwardDialog message={forwarding} onClose={() => setForwarding(null)} /> : null}
      {deleting ? (
        <ConfirmDialog
          title="Delete message?"
          confirmLabel="Delete for everyone"
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            if (deleting.id) await client.messages.delete(deleting.id);
            setDeleting(null);
          }}
        >
          <p className="dialog-text">The message will be replaced by “This message was deleted” for everyone in the chat.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

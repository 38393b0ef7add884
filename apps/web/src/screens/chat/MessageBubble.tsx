import { memo, useRef } from 'react';
import type { AccountId, LocalMessage } from '@ottr/sdk/browser';
import { Icon } from '../../components/Icon.js';
import { useProfile } from '../../app/ottr.js';
import { statusLabel, timeText } from './labels.js';
import { MessageContent, excerpt } from './MessageContent.js';

/** What a bubble needs from the chat view. */
export interface BubbleActions {
  me: AccountId | null;
  /** Groups and channels show the sender's name on the first message of a group. */
  showNames: boolean;
  /** The message a reply points to, when loaded. */
  find: (messageId: string) => LocalMessage | undefined;
  jumpTo: (message: LocalMessage) => void;
  openMenu: (message: LocalMessage, at: { x: number; y: number } | HTMLElement) => void;
  retry: (message: LocalMessage) => void;
  discard: (message: LocalMessage) => void;
  toggleReaction: (message: LocalMessage, emoji: string) => void;
  /** Opens the lightbox at this message's photo. */
  openImage: (message: LocalMessage) => void;
}

/** A colour class for a sender's name, stable per account. */
export function nameHue(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return `name-hue-${h % 8}`;
}

function SenderName({ id }: { id: AccountId }) {
  const profile = useProfile(id);
  return <span className={`msg-sender ${nameHue(id)}`}>{profile?.displayName || 'Someone'}</span>;
}

function ReplyQuote({ message, actions }: { message: LocalMessage; actions: BubbleActions }) {
  const target = message.replyTo ? actions.find(message.replyTo.messageId) : undefined;
  const profile = useProfile(target?.sender);
  if (!message.replyTo) return null;
  const name = target ? (target.sender === actions.me ? 'You' : profile?.displayName || 'Someone') : 'Reply';
  return (
    <button
      type="button"
      className={`msg-quote ${target ? nameHue(target.sender) : ''}`}
      disabled={!target}
      onClick={() => target && actions.jumpTo(target)}
      aria-label={target ? `Reply to ${name}: ${excerpt(target)}` : 'Reply to an earlier message'}
    >
      <span className="msg-quote-name">{name}</span>
      <span className="msg-quote-text">{target ? excerpt(target) : 'Earlier message'}</span>
    </button>
  );
}

function StatusMark({ status }: { status: NonNullable<LocalMessage['status']> }) {
  const icon = status === 'pending' ? 'clock' : status === 'sent' ? 'check' : status === 'failed' ? 'error' : 'checks';
  return (
    <span className={`msg-status msg-status-${status}`} role="img" aria-label={statusLabel(status)}>
      <Icon name={icon} />
    </span>
  );
}

const LONG_PRESS_MS = 500;

/** One message: bubble, meta line (edited, time, status), reactions, and its actions button. */
export const MessageBubble = memo(function MessageBubble({
  message,
  firstOfGroup,
  lastOfGroup,
  highlighted,
  actions,
}: {
  message: LocalMessage;
  firstOfGroup: boolean;
  lastOfGroup: boolean;
  highlighted: boolean;
  actions: BubbleActions;
}) {
  const own = message.sender === actions.me;
  const press = useRef<ReturnType<typeof setTimeout> | null>(null);
  const cancelPress = () => {
    if (press.current) clearTimeout(press.current);
    press.current = null;
  };
  const forwardedFrom = useProfile(message.forwarded?.senderId);
  const cls = ['msg', own ? 'msg-own' : 'msg-other', firstOfGroup ? 'msg-first' : '', lastOfGroup ? 'msg-last' : '', highlighted ? 'msg-highlight' : ''].filter(Boolean).join(' ');
  return (
    <div
      className={cls}
      onContextMenu={(e) => {
        if ((e.target as HTMLElement).closest('a')) return;
        e.preventDefault();
        actions.openMenu(message, { x: e.clientX, y: e.clientY });
      }}
      onTouchStart={(e) => {
        const t = e.touches[0];
        if (!t) return;
        cancelPress();
        press.current = setTimeout(() => actions.openMenu(message, { x: t.clientX, y: t.clientY }), LONG_PRESS_MS);
      }}
      onTouchEnd={cancelPress}
      onTouchMove={cancelPress}
    >
      <div className={`msg-bubble${message.content?.kind === 'sticker' ? ' msg-bubble-sticker' : ''}`} role="article">
        {actions.showNames && !own && firstOfGroup ? <SenderName id={message.sender} /> : null}
        {message.forwarded ? (
          <span className="msg-forwarded">
            <Icon name="forward" /> Forwarded{forwardedFrom ? ` from ${forwardedFrom.displayName}` : ''}
          </span>
        ) : null}
        <ReplyQuote message={message} actions={actions} />
        <MessageContent message={message} onOpenImage={() => actions.openImage(message)} />
        <span className="msg-meta">
          {message.editedAt && message.content ? <span className="msg-edited">edited</span> : null}
          <time dateTime={new Date(message.at).toISOString()}>{timeText(message.at)}</time>
          {own && message.status ? <StatusMark status={message.status} /> : null}
        </span>
        {message.status === 'failed' ? (
          <span className="msg-failed">
            <span className="msg-failed-text">{message.error?.message || 'Not sent'}</span>
            <button type="button" className="btn btn-small" onClick={() => actions.retry(message)}>
              Retry
            </button>
            <button type="button" className="btn btn-small" onClick={() => actions.discard(message)}>
              Discard
            </button>
          </span>
        ) : null}
        {message.reactions.length > 0 ? (
          <span className="msg-reactions">
            {message.reactions.map((r) => {
              const mine = actions.me !== null && r.accountIds.includes(actions.me);
              return (
                <button
                  key={r.emoji}
                  type="button"
                  className="reaction"
                  aria-pressed={mine}
                  disabled={!message.id}
                  onClick={() => actions.toggleReaction(message, r.emoji)}
                >
                  {r.emoji} {r.count}
                </button>
              );
            })}
          </span>
        ) : null}
      </div>
      {message.deletedAt ? null : (
        <button type="button" className="icon-btn msg-actions" aria-label="Message actions" aria-haspopup="menu" onClick={(e) => actions.openMenu(message, e.currentTarget)}>
          <Icon name="more" />
        </button>
      )}
    </div>
  );
});

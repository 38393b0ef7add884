import { mapLink, type Content, type LocalMessage } from '@ottr/sdk/browser';
import { contentText } from '../../app/preview.js';
import { Icon } from '../../components/Icon.js';
import { segments } from './linkify.js';
import { coordinatesText } from './media/format.js';
import { MediaBody } from './media/MediaBody.js';

/** Text as React nodes: plain text, safe http(s) links, highlighted mentions. Never HTML. */
export function RichText({ text, mentions }: { text: string; mentions?: Extract<Content, { kind: 'text' }>['mentions'] }) {
  return (
    <>
      {segments(text, mentions).map((s, i) =>
        s.type === 'link' ? (
          <a key={i} href={s.href} target="_blank" rel="noopener noreferrer nofollow">
            {s.text}
          </a>
        ) : s.type === 'mention' ? (
          <span key={i} className="mention">
            {s.text}
          </span>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
}

/** A short one-line description of a message, for reply quotes and the reply bar. */
export function excerpt(message: Pick<LocalMessage, 'content' | 'deletedAt'>): string {
  const c = message.content;
  if (!c) return message.deletedAt ? 'This message was deleted' : 'Message';
  return contentText(c).slice(0, 200);
}

/**
 * The body of a message: its text, a tombstone, the media (photo, video, player, file card,
 * sticker) with its caption, or a card for a location or a contact.
 */
export function MessageContent({ message, onOpenImage }: { message: LocalMessage; onOpenImage: () => void }) {
  const c = message.content;
  if (!c) {
    if (message.deletedAt || message.forwardOf === undefined) return <p className="msg-text msg-deleted">This message was deleted</p>;
    return <p className="msg-text msg-muted">Forwarding…</p>;
  }
  switch (c.kind) {
    case 'text':
      return (
        <p className="msg-text">
          <RichText text={c.text} mentions={c.mentions} />
        </p>
      );
    case 'location': {
      const href = mapLink(c.lat, c.lng);
      return (
        <div className="msg-card">
          <span className="msg-card-kind">
            <Icon name="location" /> Location
          </span>
          {c.name ? <span className="msg-card-title">{c.name}</span> : null}
          {c.address ? <span>{c.address}</span> : null}
          <span>{coordinatesText(c.lat, c.lng)}</span>
          <a href={href} target="_blank" rel="noopener noreferrer nofollow">
            Open in OpenStreetMap
          </a>
        </div>
      );
    }
    case 'contact':
      return (
        <div className="msg-card">
          <span className="msg-card-kind">
            <Icon name="person" /> Contact
          </span>
          <span className="msg-card-title">{c.name}</span>
          {[...(c.phones ?? []), ...(c.emails ?? [])].map((v) => (
            <span key={v}>{v}</span>
          ))}
        </div>
      );
    default: {
      const caption = 'caption' in c ? c.caption : undefined;
      return (
        <div className={`msg-media msg-media-${c.kind}`}>
          <MediaBody content={c} onOpenImage={onOpenImage} />
          {caption ? (
            <p className="msg-text msg-caption">
              <RichText text={caption} />
            </p>
          ) : null}
        </div>
      );
    }
  }
}

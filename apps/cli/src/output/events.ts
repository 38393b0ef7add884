// How conversation events read in a terminal: content previews, system events in words, status marks.
import type { Content, ConversationEvent, ConversationListItem, MessageEvent } from '@ottr/protocol';
import { contactText, locationText, mediaText } from './media.js';

/** Display names by account id; the signed-in account reads "you". */
export class Names {
  private readonly names = new Map<string, string>();

  constructor(readonly me: string) {}

  set(accountId: string, displayName: string): void {
    this.names.set(accountId, displayName);
  }

  has(accountId: string): boolean {
    return accountId === this.me || this.names.has(accountId);
  }

  /** "you", the display name, or a shortened id when the name is not known. */
  of(accountId: string | null | undefined): string {
    if (!accountId) return 'ottr';
    if (accountId === this.me) return 'you';
    return this.names.get(accountId) ?? `${accountId.slice(0, 10)}…`;
  }

  /** The display name even for the signed-in account (for lists of names). */
  nameOf(accountId: string): string {
    return this.names.get(accountId) ?? this.of(accountId);
  }

  toJSON(): Record<string, string> {
    return Object.fromEntries(this.names);
  }
}

/** One line of text for a message's content (media, locations and contacts in words). */
export function contentText(content: Content | null): string {
  if (content === null) return '(deleted)';
  switch (content.kind) {
    case 'text':
      return content.text;
    case 'location':
      return locationText(content);
    case 'contact':
      return contactText(content);
    default:
      return mediaText(content);
  }
}

/** A system event (or an edit/delete/reaction) in words: "Ada added Ben", "you reacted 👍 to #12". */
export function describeEvent(e: ConversationEvent, names: Names, seqOf?: (messageId: string) => number | undefined): string {
  const who = names.of(e.sender);
  const ref = (messageId: string) => {
    const seq = seqOf?.(messageId);
    return seq === undefined ? 'a message' : `#${seq}`;
  };
  switch (e.type) {
    case 'message':
      return contentText(e.content);
    case 'edit':
      return `${who} edited ${ref(e.messageId)}: ${contentText(e.content)}`;
    case 'delete':
      return `${who} deleted ${ref(e.messageId)}`;
    case 'reaction':
      return `${who} ${e.action === 'add' ? 'reacted' : 'took back'} ${e.emoji} ${e.action === 'add' ? 'to' : 'on'} ${ref(e.messageId)}`;
    case 'conversation_created':
      return e.kind === 'direct' ? `${who} started the chat` : `${who} created the ${e.kind}${e.title ? ` “${e.title}”` : ''}`;
    case 'member_added':
      return `${who} added ${names.of(e.accountId)}${e.role === 'member' ? '' : ` as ${e.role}`}`;
    case 'member_joined':
      return `${names.of(e.accountId)} joined`;
    case 'member_left':
      return `${names.of(e.accountId)} left`;
    case 'member_removed':
      return `${who} removed ${names.of(e.accountId)}`;
    case 'role_changed':
      return `${who} made ${names.of(e.accountId)} ${e.role}`;
    case 'title_changed':
      return `${who} renamed it “${e.title}”`;
    case 'description_changed':
      return `${who} changed the description`;
  }
}

/** "(edited)", "↩ #12", "👍 2 ❤️ 1" … the marks after a message's text. */
export function messageDecorations(m: MessageEvent): { prefix: string; suffix: string } {
  const prefix = [m.replyTo ? `↩ #${m.replyTo.seq}` : '', m.forwarded ? '⤷ forwarded' : ''].filter(Boolean).join(' ');
  const suffix = [
    m.editedAt !== undefined && m.deletedAt === undefined ? '(edited)' : '',
    (m.reactions ?? []).map((r) => `${r.emoji} ${r.count}`).join(' '),
  ]
    .filter(Boolean)
    .join('  ');
  return { prefix, suffix };
}

export type MessageStatus = 'sent' | 'delivered' | 'read';

/** ✓ sent, ✓✓ delivered, read. */
export function statusMark(status: MessageStatus): string {
  return status === 'sent' ? '✓' : status === 'delivered' ? '✓✓' : '✓✓ read';
}

/** The title of a conversation: its own, the peer's name for a direct chat. */
export function conversationTitle(item: Pick<ConversationListItem, 'conversation'>, names: Names): string {
  const c = item.conversation;
  if (c.kind === 'direct') {
    const peer = c.participants.find((p) => p !== names.me) ?? names.me;
    return names.nameOf(peer);
  }
  return c.title ?? `(${c.kind})`;
}

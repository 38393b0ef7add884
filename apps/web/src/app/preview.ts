import type { AccountId, Content, ConversationEvent, ConversationKind } from '@ottr/sdk/browser';

/** What a preview needs to know besides the event: who you are, the kind of chat, names. */
export interface PreviewContext {
  me: AccountId | null;
  kind: ConversationKind;
  /** A display name for an account (a placeholder while unknown). */
  name: (id: AccountId) => string;
}

/** One line of text for a message's content, for every content kind. */
export function contentText(content: Content): string {
  switch (content.kind) {
    case 'text':
      return oneLine(content.text);
    case 'image':
      return withCaption('Photo', content.caption);
    case 'video':
      return withCaption('Video', content.caption);
    case 'audio':
      return withCaption('Audio', content.caption);
    case 'voice':
      return 'Voice message';
    case 'file':
      return withCaption(content.media?.name ? `File: ${content.media.name}` : 'File', content.caption);
    case 'sticker':
      return 'Sticker';
    case 'location':
      return content.name ? `Location: ${oneLine(content.name)}` : 'Location';
    case 'contact':
      return `Contact: ${oneLine(content.name)}`;
  }
}

/**
 * The list preview of a conversation's last event: "You: …" for your own messages, "<name>: …"
 * for other people's in groups, the content kind in words for non-text, deletions, reactions
 * and system events as sentences.
 */
export function previewText(event: ConversationEvent | null, ctx: PreviewContext): string {
  if (!event) return '';
  switch (event.type) {
    case 'message':
      if (event.deletedAt !== undefined || event.content === null) return 'This message was deleted';
      return prefix(event.sender, ctx) + contentText(event.content);
    case 'edit':
      if (event.content === null) return 'This message was deleted';
      return prefix(event.sender, ctx) + contentText(event.content);
    case 'delete':
      return 'This message was deleted';
    case 'reaction':
      return event.action === 'add' ? `${subject(event.sender, ctx)} reacted ${event.emoji}` : `${subject(event.sender, ctx)} removed a reaction`;
    default:
      return systemText(event, ctx);
  }
}

/** A system event (created, members, roles, title, description) as a sentence. */
export function systemText(event: Extract<ConversationEvent, { type: 'conversation_created' | 'member_added' | 'member_joined' | 'member_left' | 'member_removed' | 'role_changed' | 'title_changed' | 'description_changed' }>, ctx: PreviewContext): string {
  const actor = subject(event.sender, ctx);
  switch (event.type) {
    case 'conversation_created':
      if (event.kind === 'direct') return `${actor} started the chat`;
      return `${actor} created the ${event.kind}${event.title ? ` “${oneLine(event.title)}”` : ''}`;
    case 'member_added':
      return event.sender === null ? `${subject(event.accountId, ctx)} was added` : `${actor} added ${object(event.accountId, ctx)}`;
    case 'member_joined':
      return `${subject(event.accountId, ctx)} joined`;
    case 'member_left':
      return `${subject(event.accountId, ctx)} left`;
    case 'member_removed':
      return event.sender === null ? `${subject(event.accountId, ctx)} was removed` : `${actor} removed ${object(event.accountId, ctx)}`;
    case 'role_changed': {
      const who = subject(event.accountId, ctx);
      const be = event.accountId === ctx.me ? 'are' : 'is';
      if (event.role === 'owner') return `${who} ${be} now the owner`;
      if (event.role === 'admin') return event.sender === null ? `${who} ${be} now an admin` : `${actor} made ${object(event.accountId, ctx)} an admin`;
      return `${who} ${be} no longer an admin`;
    }
    case 'title_changed':
      return `${actor} changed the name to “${oneLine(event.title)}”`;
    case 'description_changed':
      return event.description.trim() ? `${actor} changed the description` : `${actor} removed the description`;
  }
}

function prefix(sender: AccountId | null, ctx: PreviewContext): string {
  if (sender !== null && sender === ctx.me) return 'You: ';
  if (ctx.kind === 'group' && sender !== null) return `${ctx.name(sender)}: `;
  return '';
}

/** An account as the subject of a sentence ("You", a name; "Someone" for the server). */
function subject(id: AccountId | null, ctx: PreviewContext): string {
  if (id === null) return 'Someone';
  return id === ctx.me ? 'You' : ctx.name(id);
}

/** An account as the object of a sentence ("you", a name). */
function object(id: AccountId, ctx: PreviewContext): string {
  return id === ctx.me ? 'you' : ctx.name(id);
}

function withCaption(label: string, caption: string | undefined): string {
  const c = caption ? oneLine(caption) : '';
  return c ? `${label}: ${c}` : label;
}

/** Text on one line: runs of whitespace (newlines too) become one space. */
export function oneLine(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

import type { ConversationListItem } from '@ottr/protocol';
import { GLOBAL_HELP } from '../args.js';
import { explained, signedInClient } from '../client.js';
import { setup, type Base } from '../context.js';
import { UsageError } from '../errors.js';
import { accountsOf, learnNames } from '../names.js';
import { contentText, conversationTitle, describeEvent, Names } from '../output/events.js';
import { table } from '../output/table.js';
import { truncate } from '../output/text.js';
import { relativeTime } from '../output/time.js';

export const CHATS_USAGE = `Usage: ottr chats [--archived]

Lists your conversations: pinned first, then by latest activity, with unread counts, the last
message and when it came. 📌 pinned, 🔕 muted.

Options:
  --archived       Show the archived conversations instead

${GLOBAL_HELP}
`;

export async function chatsCommand(argv: string[], base: Base): Promise<number> {
  const { values, positionals, ctx } = setup(base, 'chats', argv, { archived: { type: 'boolean' } }, CHATS_USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`, CHATS_USAGE);
  const { client, server, me, session } = await signedInClient(ctx);
  const items = await explained(ctx, server, () => client.conversations.load({ archived: values.archived === true }));
  const names = new Names(me);
  if (session.displayName) names.set(me, session.displayName);
  await explained(ctx, server, () =>
    learnNames(client, names, items.flatMap((i) => [...i.conversation.participants, ...(i.lastEvent ? accountsOf(i.lastEvent) : [])])),
  );
  await client.close();
  const now = Date.now();

  if (ctx.json) {
    ctx.printJson({ items: items.map((i) => toJson(i, names, now)) });
    return 0;
  }
  if (items.length === 0) {
    ctx.print(values.archived ? 'No archived conversations.' : 'No conversations yet. Start one with `ottr send <+phone|email> <text>`.');
    return 0;
  }
  const { out } = ctx;
  const rows = items.map((i) => {
    const marks = [i.membership.pinned ? '📌' : '', muted(i, now) ? '🔕' : ''].join('');
    const title = conversationTitle(i, names) + (i.conversation.kind === 'direct' ? '' : out.dim(` (${i.conversation.kind})`));
    const unread = i.unreadCount > 0 ? out.bold(out.cyan(String(i.unreadCount))) : '';
    return [marks, truncate(title, 32), unread, preview(i, names, out.dim), relativeTime(i.conversation.lastEventAt, now), out.dim(i.conversation.id)];
  });
  ctx.print(
    table(
      [{ header: '' }, { header: 'CHAT' }, { header: 'UNREAD', align: 'right' }, { header: 'LAST MESSAGE' }, { header: 'WHEN' }, { header: 'ID' }],
      rows,
      out.bold,
    ),
  );
  return 0;
}

function muted(i: ConversationListItem, now: number): boolean {
  return i.membership.muteUntil !== null && i.membership.muteUntil > now;
}

/** "Ada: Lunch at 1?" for a message, the event in words (dimmed) otherwise. */
function preview(i: ConversationListItem, names: Names, dim: (t: string) => string): string {
  const e = i.lastEvent;
  if (!e) return '';
  if (e.type === 'message') {
    const who = i.conversation.kind === 'direct' && e.sender !== names.me ? '' : `${names.of(e.sender)}: `;
    return truncate(`${who}${contentText(e.content)}`, 40);
  }
  return dim(truncate(describeEvent(e, names), 40));
}

function toJson(i: ConversationListItem, names: Names, now: number) {
  return {
    id: i.conversation.id,
    kind: i.conversation.kind,
    title: conversationTitle(i, names),
    unreadCount: i.unreadCount,
    pinned: i.membership.pinned,
    muted: muted(i, now),
    muteUntil: i.membership.muteUntil,
    archived: i.membership.archived,
    role: i.membership.role,
    memberCount: i.conversation.memberCount,
    lastSeq: i.conversation.lastSeq,
    lastEventAt: i.conversation.lastEventAt,
    preview: i.lastEvent ? (i.lastEvent.type === 'message' ? contentText(i.lastEvent.content) : describeEvent(i.lastEvent, names)) : null,
    lastEvent: i.lastEvent,
  };
}

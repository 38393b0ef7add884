import type { ConversationEvent, ConversationListItem } from '@ottr/protocol';
import { isOttrError, type LocalMessage, type OttrClient } from '@ottr/sdk/node';
import { GLOBAL_HELP, positiveInt } from '../args.js';
import { explained, signedInClient } from '../client.js';
import { setup, type Base, type Ctx } from '../context.js';
import { UsageError } from '../errors.js';
import { accountsOf, learnNames } from '../names.js';
import { contentText, conversationTitle, describeEvent, messageDecorations, Names, statusMark } from '../output/events.js';
import { table } from '../output/table.js';
import { clock, isoDate, relativeTime } from '../output/time.js';
import { resolveConversation } from '../targets.js';

export const HISTORY_USAGE = `Usage: ottr history <conversation | +phone | email | acc_…> [--limit N] [--before SEQ] [--all]

Shows a conversation's messages, oldest first: sender, time, text, replies (↩ #seq), edits,
deletes, reactions, and on your own messages ✓ sent, ✓✓ delivered, ✓✓ read.

Options:
  --limit N        The last N events (default 50)
  --before SEQ     Only events before this seq (page further back)
  --all            Everything from the start (pages through the whole history)

${GLOBAL_HELP}
`;

const PAGE = 100;
/** Events folded into the message they change (shown as "(edited)", "(deleted)", reactions). */
const FOLDED = new Set(['edit', 'delete', 'reaction']);

export async function historyCommand(argv: string[], base: Base): Promise<number> {
  const { values, positionals, ctx } = setup(base, 'history', argv, {
    limit: { type: 'string' },
    before: { type: 'string' },
    all: { type: 'boolean' },
  }, HISTORY_USAGE);
  if (positionals.length === 0) throw new UsageError('missing <conversation>', HISTORY_USAGE);
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`, HISTORY_USAGE);
  const all = values.all === true;
  const limit = positiveInt(values, 'limit', HISTORY_USAGE, 100_000);
  if (all && limit !== undefined) throw new UsageError('--all and --limit do not go together', HISTORY_USAGE);
  const before = positiveInt(values, 'before', HISTORY_USAGE);

  const { client, server, me, session } = await signedInClient(ctx);
  try {
    const item = await explained(ctx, server, () => resolveConversation(client, positionals[0]!, HISTORY_USAGE));
    const cid = item.conversation.id;
    // Members' pointers give your messages their ✓✓ and read marks (channels: admins only).
    await client.conversations.members(cid).catch((err: unknown) => {
      if (!isOttrError(err) || err.status === 0) throw err;
    });
    const { events, statuses, reachedStart } = await explained(ctx, server, () =>
      fetchEvents(ctx, client, cid, { limit: all ? Infinity : (limit ?? 50), before, total: item.conversation.lastSeq }),
    );
    const names = new Names(me);
    if (session.displayName) names.set(me, session.displayName);
    await explained(ctx, server, () => learnNames(client, names, [...item.conversation.participants, ...events.flatMap(accountsOf)]));

    if (ctx.json) {
      ctx.printJson({
        conversation: { id: cid, kind: item.conversation.kind, title: conversationTitle(item, names) },
        events: events.map((e) => ({
          ...e,
          senderName: e.sender ? names.nameOf(e.sender) : null,
          ...(e.type === 'message' && e.sender === me ? { status: statuses.get(e.seq) ?? 'sent' } : {}),
        })),
        before: reachedStart ? null : (events[0]?.seq ?? null),
      });
      return 0;
    }
    printHuman(ctx, item, events, statuses, names, reachedStart);
    return 0;
  } finally {
    await client.close();
  }
}

/** Pages back from `before` (default: the end) until `limit` events or the start. */
async function fetchEvents(
  ctx: Ctx,
  client: OttrClient,
  cid: ConversationListItem['conversation']['id'],
  opts: { limit: number; before: number | undefined; total: number },
): Promise<{ events: ConversationEvent[]; statuses: Map<number, LocalMessage['status']>; reachedStart: boolean }> {
  const pages: ConversationEvent[][] = [];
  const statuses = new Map<number, LocalMessage['status']>();
  let before = opts.before;
  let count = 0;
  let reachedStart = false;
  const top = (opts.before ?? opts.total + 1) - 1;
  const progress = ctx.progress('history', Number.isFinite(opts.limit) ? Math.min(opts.limit, top) : top);
  try {
    while (count < opts.limit) {
      const page = await client.messages.history(cid, { ...(before !== undefined ? { before } : {}), limit: Math.min(PAGE, opts.limit - count) });
      pages.unshift(page.events);
      for (const m of page.messages) if (m.seq !== null) statuses.set(m.seq, m.status);
      count += page.events.length;
      progress.update(count);
      if (page.before === null || page.events.length === 0) {
        reachedStart = true;
        break;
      }
      before = page.before;
    }
  } finally {
    progress.done();
  }
  return { events: pages.flat(), statuses, reachedStart };
}

function printHuman(
  ctx: Ctx,
  item: ConversationListItem,
  events: ConversationEvent[],
  statuses: Map<number, LocalMessage['status']>,
  names: Names,
  reachedStart: boolean,
): void {
  const { out } = ctx;
  const now = Date.now();
  const seqOf = new Map<string, number>(events.filter((e) => e.type === 'message').map((e) => [e.id, e.seq]));
  const rows: string[][] = [];
  for (const e of events) {
    if (FOLDED.has(e.type)) continue;
    const when = now - e.at < 86_400_000 ? relativeTime(e.at, now) : `${isoDate(e.at)} ${clock(e.at)}`;
    if (e.type !== 'message') {
      rows.push([out.dim(`#${e.seq}`), out.dim(when), '', '', out.dim(describeEvent(e, names, (id) => seqOf.get(id)))]);
      continue;
    }
    const { prefix, suffix } = messageDecorations(e);
    const text = e.deletedAt !== undefined ? out.dim('(deleted)') : contentText(e.content);
    const body = [prefix ? out.dim(prefix) : '', text, suffix ? out.dim(suffix) : ''].filter(Boolean).join(' ');
    const status = e.sender === names.me && e.deletedAt === undefined ? statusMark(toMark(statuses.get(e.seq))) : '';
    const from = e.sender === names.me ? out.green(names.of(e.sender)) : out.bold(names.of(e.sender));
    rows.push([out.dim(`#${e.seq}`), out.dim(when), from, status === '✓✓ read' ? out.cyan(status) : status, body.replace(/\n/g, ' ⏎ ')]);
  }
  const title = conversationTitle(item, names);
  ctx.print(`${out.bold(title)} ${out.dim(`${item.conversation.kind} ${item.conversation.id}`)}`);
  if (rows.length === 0) {
    ctx.print(out.dim('No messages.'));
    return;
  }
  if (!reachedStart) ctx.print(out.dim(`… earlier events: ottr history ${item.conversation.id} --before ${events[0]!.seq}`));
  // No header: a chat reads better without one; columns stay aligned.
  const lines = table([{ header: '', align: 'right' }, { header: '' }, { header: '' }, { header: '' }, { header: '' }], rows).split('\n').slice(1);
  ctx.print(lines.join('\n'));
}

function toMark(status: LocalMessage['status'] | undefined): 'sent' | 'delivered' | 'read' {
  return status === 'read' || status === 'delivered' ? status : 'sent';
}

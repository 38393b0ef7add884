import { CLOSE, type ConversationEvent, type ConversationId } from '@ottr/protocol';
import type { EventSource, OttrClient, ReceiptNotice, StateChange, TypingNotice } from '@ottr/sdk/node';
import { GLOBAL_HELP } from '../args.js';
import { explain, explained, signedInClient } from '../client.js';
import { setup, type Base, type Ctx } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { accountsOf, learnNames } from '../names.js';
import { contentText, conversationTitle, describeEvent, messageDecorations, Names } from '../output/events.js';
import { padEnd, truncate } from '../output/text.js';
import { clock } from '../output/time.js';
import { resolveConversation } from '../targets.js';

export const TAIL_USAGE = `Usage: ottr tail [<conversation | +phone | email | acc_…>]

Streams what happens in your conversations (or one) as it happens: messages, edits, deletes,
reactions, member changes, delivered/read receipts and typing — until Ctrl-C. Reconnects by
itself and catches up on what it missed; connection changes are reported on stderr. This
device acknowledges what it receives (your contacts see ✓✓ delivered).

With --json: one JSON object per line on stdout (see docs/cli.md).

${GLOBAL_HELP}
`;

type Item =
  | { type: 'event'; source: EventSource; event: ConversationEvent }
  | ({ type: 'receipt' } & ReceiptNotice)
  | ({ type: 'typing' } & TypingNotice);

export async function tailCommand(argv: string[], base: Base): Promise<number> {
  const { positionals, ctx } = setup(base, 'tail', argv, {}, TAIL_USAGE);
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`, TAIL_USAGE);
  const { client, server, me, session } = await signedInClient(ctx);
  const names = new Names(me);
  if (session.displayName) names.set(me, session.displayName);
  let only: ConversationId | undefined;
  if (positionals[0] !== undefined) {
    const item = await explained(ctx, server, () => resolveConversation(client, positionals[0]!, TAIL_USAGE)).catch(async (err: unknown) => {
      await client.close();
      throw err;
    });
    only = item.conversation.id;
  }

  const printer = new Printer(ctx, client, names);
  const wanted = (cid: ConversationId) => only === undefined || cid === only;
  const offs = [
    client.on('event', ({ event, source }) => {
      // Everything new to this device: live, caught up by sync, or fetched to fill a gap
      // ('history'). ('send' would be this client's own writes; tail writes nothing.)
      if (source !== 'send' && wanted(event.conversationId)) printer.push({ type: 'event', source, event });
    }),
    client.on('receipt', (n) => {
      if (wanted(n.conversationId)) printer.push({ type: 'receipt', ...n });
    }),
    client.on('typing', (n) => {
      if (wanted(n.conversationId)) printer.push({ type: 'typing', ...n });
    }),
    client.on('state', (change) => reportState(ctx, server, change)),
  ];

  let ended: Error | undefined;
  const stopped = new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    offs.push(
      client.on('state', (change) => {
        if (change.state !== 'closed-by-server') return;
        ended = closedByServer(ctx, change);
        resolve();
      }),
    );
  });
  client.connect().catch((err: unknown) => {
    // Only a close that must not be retried (reported above) or Ctrl-C ends connect() early.
    if (!ctx.signal.aborted && !ended) ctx.note(explain(err, ctx, server).message);
  });
  await stopped;
  offs.forEach((off) => off());
  await client.close();
  await printer.idle();
  if (ended) throw ended;
  return 0;
}

/** Why the server closed for good (4200–4299), and what to do. */
function closedByServer(ctx: Ctx, change: StateChange): CliError {
  const login = `run \`ottr login${ctx.profileName === 'default' ? '' : ` --profile ${ctx.profileName}`}\``;
  switch (change.closeCode) {
    case CLOSE.sessionRevoked:
      return new CliError('this device was signed out', { code: 'session_revoked', hint: login });
    case CLOSE.accountDeleted:
      return new CliError('the account was deleted', { code: 'account_deleted' });
    case CLOSE.replaced:
      return new CliError('another connection of this device took over (another `ottr tail` with this profile?)', {
        code: 'replaced',
        hint: 'run one tail per profile; sign in a second device with `ottr login --profile NAME`',
      });
    case CLOSE.accountSuspended:
      return new CliError('this account is suspended', { code: 'account_suspended', hint: "ask the server's operator" });
    case CLOSE.protocolUnsupported:
      return new CliError('the server no longer supports this version of ottr', { code: 'protocol_unsupported', hint: 'upgrade ottr' });
    default:
      return new CliError(`the server closed the connection${change.reason ? `: ${change.reason}` : ''}`, {
        code: change.error?.code ?? 'closed',
        ...(change.closeCode === CLOSE.unauthorized ? { hint: login } : {}),
      });
  }
}

let everLive = false;
function reportState(ctx: Ctx, server: string, change: StateChange): void {
  const { err } = ctx;
  switch (change.state) {
    case 'connecting':
      if (change.previous === 'idle') ctx.note(err.dim(`connecting to ${server}…`));
      return;
    case 'live':
      ctx.note(everLive ? err.green('reconnected — caught up') : `${err.green('live')} — waiting for events (Ctrl-C to stop)`);
      everLive = true;
      return;
    case 'backing-off': {
      const why = change.error?.message ?? change.reason ?? '';
      const code = change.closeCode !== undefined ? ` [${change.closeCode}]` : '';
      const wait = change.delayMs !== undefined ? `; retrying in ${(change.delayMs / 1000).toFixed(1)} s` : '';
      ctx.note(err.yellow(`connection lost${code}${why ? `: ${why}` : ''}${wait}`));
      return;
    }
    default:
  }
}

/** Prints items in arrival order, after looking up the names they need. */
class Printer {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: Ctx,
    private readonly client: OttrClient,
    private readonly names: Names,
  ) {}

  push(item: Item): void {
    this.queue = this.queue.then(() => this.print(item)).catch((err: unknown) => this.ctx.note(`ottr tail: ${String(err)}`));
  }

  idle(): Promise<void> {
    return this.queue;
  }

  private async print(item: Item): Promise<void> {
    if (this.ctx.json) {
      this.ctx.printJson(item);
      return;
    }
    const cid = item.type === 'event' ? item.event.conversationId : item.conversationId;
    const conv = this.client.conversations.cached(cid);
    const ids = [...(conv?.conversation.participants ?? []), ...(item.type === 'event' ? accountsOf(item.event) : [item.accountId])];
    await learnNames(this.client, this.names, ids).catch(() => undefined);
    const { out } = this.ctx;
    const title = padEnd(truncate(conv ? conversationTitle(conv, this.names) : cid, 20), 20);
    const at = item.type === 'event' ? item.event.at : Date.now();
    this.ctx.print(`${out.dim(clock(at))}  ${out.cyan(title)}  ${this.describe(item)}`);
  }

  private describe(item: Item): string {
    const { out } = this.ctx;
    const names = this.names;
    if (item.type === 'receipt') {
      const who = item.own ? 'you (another device)' : names.of(item.accountId);
      return out.dim(item.readSeq >= item.deliveredSeq ? `✓✓ ${who} read up to #${item.readSeq}` : `✓✓ delivered to ${who} up to #${item.deliveredSeq}`);
    }
    if (item.type === 'typing') return out.dim(item.state === 'typing' ? `${names.of(item.accountId)} is typing…` : `${names.of(item.accountId)} stopped typing`);
    const e = item.event;
    if (e.type === 'message') {
      const { prefix, suffix } = messageDecorations(e);
      const body = [prefix ? out.dim(prefix) : '', contentText(e.content), suffix ? out.dim(suffix) : ''].filter(Boolean).join(' ');
      return `${out.bold(names.of(e.sender))}: ${body} ${out.dim(`#${e.seq}`)}`;
    }
    const seqOf = (messageId: string) => this.client.messages.list(e.conversationId).find((m) => m.id === messageId)?.seq ?? undefined;
    return out.dim(`${describeEvent(e, names, seqOf)} #${e.seq}`);
  }
}

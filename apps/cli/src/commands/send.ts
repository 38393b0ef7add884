import type { MessageId } from '@ottr/protocol';
import { randomUUID } from 'node:crypto';
import { isOttrError } from '@ottr/sdk/node';
import { GLOBAL_HELP, positiveInt, str } from '../args.js';
import { explained, signedInClient } from '../client.js';
import { setup, type Base } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { learnNames } from '../names.js';
import { conversationTitle, Names } from '../output/events.js';
import { parseMessageId, resolveConversation } from '../targets.js';

export const SEND_USAGE = `Usage: ottr send <conversation | +phone | email | acc_…> <text…> [--reply-to MSG]

Sends a text message and waits for the server's acknowledgement (✓). To a +phone number,
email or account id it goes to your direct chat with that person (opened if needed).
Without <text…> and with stdin not a terminal, the text is read from stdin.

Options:
  --reply-to MSG   Reply to this message (msg_…, of the same conversation)
  --file PATH      Attach a file — not available yet (media uploads come in a later release)
  --timeout S      Retry (same message, never twice) for at most S seconds (default 30)

${GLOBAL_HELP}
`;

export async function sendCommand(argv: string[], base: Base): Promise<number> {
  const { values, positionals, ctx } = setup(base, 'send', argv, {
    'reply-to': { type: 'string' },
    file: { type: 'string' },
    timeout: { type: 'string' },
  }, SEND_USAGE);
  if (values.file !== undefined) {
    throw new CliError('sending files is not available yet: this server version has no media uploads', {
      code: 'not_available',
      hint: 'send text for now; --file arrives with media support',
    });
  }
  const [target, ...words] = positionals;
  if (target === undefined) throw new UsageError('missing <conversation | +phone | email>', SEND_USAGE);
  let text = words.join(' ');
  if (text === '' && !ctx.stdinIsTTY) text = (await readAll(ctx.io.stdin ?? process.stdin)).replace(/\n$/, '');
  if (text.trim() === '') throw new UsageError('missing <text…> (the message is empty)', SEND_USAGE);
  const replyTo: MessageId | undefined = str(values, 'reply-to') !== undefined ? parseMessageId(str(values, 'reply-to')!, SEND_USAGE) : undefined;
  const timeoutMs = (positiveInt(values, 'timeout', SEND_USAGE, 3600) ?? 30) * 1000;

  const { client, server, me } = await signedInClient(ctx);
  try {
    const item = await explained(ctx, server, () => resolveConversation(client, target, SEND_USAGE));
    const cid = item.conversation.id;
    // One request, answered once the message is stored (✓). Over REST rather than the SDK's
    // outbox: that needs this device's WebSocket, and opening it would close (4202) the one of a
    // running `ottr tail` of the same profile. The clientMsgId makes retries exactly-once.
    const clientMsgId = randomUUID();
    const body = { clientMsgId, content: { kind: 'text' as const, text }, ...(replyTo ? { replyTo } : {}) };
    const deadline = Date.now() + timeoutMs;
    const event = await explained(ctx, server, () =>
      withRetries(deadline, () => client.request('sendMessage', { params: { conversationId: cid }, body })),
    );
    if (event.event.type !== 'message') throw new CliError('the server answered with an unexpected event', { code: 'internal' });
    const message = { id: event.event.id, seq: event.event.seq, at: event.event.at, clientMsgId, status: 'sent' as const };

    if (ctx.json) {
      ctx.printJson({ conversationId: cid, messageId: message.id, seq: message.seq, at: message.at, clientMsgId: message.clientMsgId, status: message.status });
    } else {
      const names = new Names(me);
      await learnNames(client, names, item.conversation.participants).catch(() => undefined);
      ctx.print(`${ctx.out.green('✓')} sent to ${conversationTitle(item, names)} ${ctx.out.dim(`#${message.seq} ${message.id}`)}`);
    }
    return 0;
  } finally {
    await client.close();
  }
}

/** Retries what failed in a retryable way (network, 5xx, rate limits) until `deadline`. */
async function withRetries<T>(deadline: number, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const wait = isOttrError(err) && err.retryable ? (err.retryAfter ?? 0) * 1000 || Math.min(250 * 2 ** attempt, 4000) : Infinity;
      if (Date.now() + wait > deadline) throw err;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
  return text;
}

import type { Content, MessageId } from '@ottr/protocol';
import { randomUUID } from 'node:crypto';
import { isOttrError, type NodeOttrClient } from '@ottr/sdk/node';
import { GLOBAL_HELP, positiveInt, str } from '../args.js';
import { explained, signedInClient } from '../client.js';
import { setup, type Base, type Ctx } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { learnNames } from '../names.js';
import { conversationTitle, Names } from '../output/events.js';
import { parseMessageId, resolveConversation } from '../targets.js';
import { uploadFile } from '../upload.js';
import { outgoing, type Outgoing } from './send-content.js';

export const SEND_USAGE = `Usage: ottr send <conversation | +phone | email | acc_…> <text…> [--reply-to MSG]
       ottr send <to> --file PATH [--as KIND] [--caption TEXT]
       ottr send <to> --location LAT,LNG [--name TEXT]
       ottr send <to> --contact NAME [--phone P]… [--email E]…
       ottr send <to> --sticker MEDIA_ID

Sends a message and waits for the server's acknowledgement (✓). To a +phone number,
email or account id it goes to your direct chat with that person (opened if needed).
Without <text…> and with stdin not a terminal, the text is read from stdin.

Options:
  --reply-to MSG    Reply to this message (msg_…, of the same conversation)
  --file PATH       Upload a file and send it (progress on stderr; an interrupted upload resumes)
  --as KIND         Send the file as image, video, audio, voice, file or sticker
                    (default: by its extension — image, video, audio, else file)
  --caption TEXT    Caption of an image, video, audio or file
  --location LAT,LNG  Send a location (degrees), with --name TEXT naming the place
  --contact NAME    Send a contact card, with its --phone and --email (each repeatable)
  --sticker MED     Send a sticker (the media id of one in a sticker pack, see \`ottr stickers\`)
  --timeout S       Retry (same message, never twice) for at most S seconds (default 30)

${GLOBAL_HELP}
`;

export async function sendCommand(argv: string[], base: Base): Promise<number> {
  const { values, positionals, ctx } = setup(base, 'send', argv, {
    'reply-to': { type: 'string' },
    file: { type: 'string' },
    as: { type: 'string' },
    caption: { type: 'string' },
    location: { type: 'string' },
    name: { type: 'string' },
    contact: { type: 'string' },
    phone: { type: 'string', multiple: true },
    email: { type: 'string', multiple: true },
    sticker: { type: 'string' },
    timeout: { type: 'string' },
  }, SEND_USAGE);
  const [target, ...words] = positionals;
  if (target === undefined) throw new UsageError('missing <conversation | +phone | email>', SEND_USAGE);
  const what = outgoing(values, words, SEND_USAGE);
  if (what.type === 'text') {
    if (what.text === '' && !ctx.stdinIsTTY) what.text = (await readAll(ctx.io.stdin ?? process.stdin)).replace(/\n$/, '');
    if (what.text.trim() === '') throw new UsageError('missing <text…> (the message is empty)', SEND_USAGE);
  }
  const replyTo: MessageId | undefined = str(values, 'reply-to') !== undefined ? parseMessageId(str(values, 'reply-to')!, SEND_USAGE) : undefined;
  const timeoutMs = (positiveInt(values, 'timeout', SEND_USAGE, 3600) ?? 30) * 1000;

  const { client, server, me } = await signedInClient(ctx);
  try {
    const item = await explained(ctx, server, () => resolveConversation(client, target, SEND_USAGE));
    const cid = item.conversation.id;
    const content = await contentToSend(ctx, client, server, what);
    // One request, answered once the message is stored (✓). Over REST rather than the SDK's
    // outbox: that needs this device's WebSocket, and opening it would close (4202) the one of a
    // running `ottr tail` of the same profile. The clientMsgId makes retries exactly-once.
    const clientMsgId = randomUUID();
    const body = { clientMsgId, content, ...(replyTo ? { replyTo } : {}) };
    const deadline = Date.now() + timeoutMs;
    const event = await explained(ctx, server, () =>
      withRetries(deadline, () => client.request('sendMessage', { params: { conversationId: cid }, body })),
    );
    if (event.event.type !== 'message') throw new CliError('the server answered with an unexpected event', { code: 'internal' });
    const message = { id: event.event.id, seq: event.event.seq, at: event.event.at, clientMsgId, status: 'sent' as const };
    const mediaId = 'mediaId' in content ? { mediaId: content.mediaId } : {};

    if (ctx.json) {
      ctx.printJson({ conversationId: cid, messageId: message.id, seq: message.seq, at: message.at, clientMsgId: message.clientMsgId, status: message.status, ...mediaId });
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

/** The message content: as given, or after uploading the file (resumed if a run before was cut). */
async function contentToSend(ctx: Ctx, client: NodeOttrClient, server: string, what: Outgoing): Promise<Content> {
  if (what.type === 'text') return { kind: 'text', text: what.text };
  if (what.type === 'content') return what.content;
  const media = await uploadFile(ctx, client, server, what.path, what.kind);
  return { kind: what.kind, mediaId: media.id, ...(what.caption !== undefined ? { caption: what.caption } : {}) };
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

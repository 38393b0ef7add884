import { isId, type MediaId, type StickerPack, type StickerPackId } from '@ottr/protocol';
import { expectPositionals, GLOBAL_HELP, str } from '../args.js';
import { explained, signedInClient } from '../client.js';
import { HelpRequested, setup, type Base, type Ctx } from '../context.js';
import { UsageError } from '../errors.js';
import { uploadFile } from '../upload.js';

export const STICKERS_USAGE = `Usage: ottr stickers [list|create|add] …

  ottr stickers                                  Your sticker packs and their stickers (media ids)
  ottr stickers create <title>                   Create a pack
  ottr stickers add <spk_…> <file | med_…> [--emoji E]   Upload a sticker (WebP, PNG or GIF) into your pack

Send one with \`ottr send <to> --sticker med_…\`.

${GLOBAL_HELP}
`;

export async function stickersCommand(argv: string[], base: Base): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case undefined:
    case 'list':
      return list(rest, base);
    case 'create':
      return create(rest, base);
    case 'add':
      return add(rest, base);
    case '-h':
    case '--help':
      throw new HelpRequested(STICKERS_USAGE);
    default:
      if (sub.startsWith('-')) return list(argv, base);
      throw new UsageError(`unknown stickers command '${sub}'`, STICKERS_USAGE);
  }
}

function printPack(ctx: Ctx, pack: StickerPack): void {
  ctx.print(`${ctx.out.bold(pack.title)} ${ctx.out.dim(pack.id)} ${ctx.out.dim(`${pack.stickers.length} sticker${pack.stickers.length === 1 ? '' : 's'}`)}`);
  for (const s of pack.stickers) ctx.print(`  ${s.emoji ?? '·'} ${s.mediaId}`);
}

async function list(argv: string[], base: Base): Promise<number> {
  const { positionals, ctx } = setup(base, 'stickers', argv, {}, STICKERS_USAGE);
  expectPositionals(positionals, [], STICKERS_USAGE);
  const { client, server } = await signedInClient(ctx);
  try {
    const packs = await explained(ctx, server, () => client.stickers.list());
    if (ctx.json) ctx.printJson({ items: packs });
    else if (packs.length === 0) ctx.print(ctx.out.dim('No sticker packs yet — create one with `ottr stickers create <title>`.'));
    else for (const p of packs) printPack(ctx, p);
    return 0;
  } finally {
    await client.close();
  }
}

async function create(argv: string[], base: Base): Promise<number> {
  const { positionals, ctx } = setup(base, 'stickers create', argv, {}, STICKERS_USAGE);
  const title = positionals.join(' ').trim();
  if (title === '') throw new UsageError('missing <title>', STICKERS_USAGE);
  const { client, server } = await signedInClient(ctx);
  try {
    const pack = await explained(ctx, server, () => client.stickers.create(title));
    if (ctx.json) ctx.printJson(pack);
    else ctx.print(`${ctx.out.green('✓')} created ${pack.title} ${ctx.out.dim(pack.id)}`);
    return 0;
  } finally {
    await client.close();
  }
}

async function add(argv: string[], base: Base): Promise<number> {
  const { values, positionals, ctx } = setup(base, 'stickers add', argv, { emoji: { type: 'string' } }, STICKERS_USAGE);
  const [packId, source] = expectPositionals(positionals, ['spk_…', 'file | med_…'], STICKERS_USAGE);
  if (!isId('stickerPack', packId!)) throw new UsageError(`'${packId}' is not a sticker pack id (spk_…)`, STICKERS_USAGE);
  const { client, server } = await signedInClient(ctx);
  try {
    const mediaId = isId('media', source!) ? (source as MediaId) : (await uploadFile(ctx, client, server, source!, 'sticker')).id;
    const emoji = str(values, 'emoji');
    const pack = await explained(ctx, server, () => client.stickers.add(packId as StickerPackId, mediaId, emoji));
    if (ctx.json) ctx.printJson(pack);
    else ctx.print(`${ctx.out.green('✓')} added ${mediaId} to ${pack.title} ${ctx.out.dim(`(${pack.stickers.length} stickers)`)}`);
    return 0;
  } finally {
    await client.close();
  }
}

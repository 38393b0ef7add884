import { stat } from 'node:fs/promises';
import { isId, MEDIA_VARIANTS, type MediaId, type MediaVariantName, type MessageId } from '@ottr/protocol';
import { formatBytes, type NodeOttrClient } from '@ottr/sdk/node';
import { expectPositionals, GLOBAL_HELP, str } from '../args.js';
import { explained, signedInClient } from '../client.js';
import { setup, type Base } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { downloadTarget, safeFileName } from '../output/media.js';

export const DOWNLOAD_USAGE = `Usage: ottr download <msg_… | med_…> [-o PATH] [--force] [--variant V]

Saves the file of a media message (or a media object) — named as it was sent, in the current
directory, or at -o PATH (a directory: inside it). Never overwrites a file without --force.
Progress on stderr.

Options:
  -o, --output PATH  Where to save it (a file name, or an existing directory)
  --force            Replace an existing file
  --variant V        original (default), thumbnail or poster (a video's frame)

${GLOBAL_HELP}
`;

export async function downloadCommand(argv: string[], base: Base): Promise<number> {
  const { values, positionals, ctx } = setup(base, 'download', argv, {
    output: { type: 'string', short: 'o' },
    force: { type: 'boolean' },
    variant: { type: 'string' },
  }, DOWNLOAD_USAGE);
  const [ref] = expectPositionals(positionals, ['msg_… | med_…'], DOWNLOAD_USAGE);
  if (!isId('message', ref!) && !isId('media', ref!)) throw new UsageError(`'${ref}' is neither a message id (msg_…) nor a media id (med_…)`, DOWNLOAD_USAGE);
  const variant = (str(values, 'variant') ?? 'original') as MediaVariantName;
  if (!MEDIA_VARIANTS.includes(variant)) throw new UsageError(`--variant must be one of ${MEDIA_VARIANTS.join(', ')}, got '${variant}'`, DOWNLOAD_USAGE);
  const output = str(values, 'output');

  const { client, server } = await signedInClient(ctx);
  try {
    const mediaId = await explained(ctx, server, () => mediaOf(client, ref!));
    const media = await explained(ctx, server, () => client.media.get(mediaId));
    const size = variant === 'original' ? media.size : media[variant]?.size;
    if (size === undefined) throw new CliError(`${mediaId} has no ${variant}`, { code: 'not_found' });
    const isDirectory = output !== undefined && (await stat(output).then((s) => s.isDirectory(), () => false));
    const mime = variant === 'original' ? media.mime : media[variant]!.mime;
    const name = variant === 'original' ? media.name : undefined;
    const file = downloadTarget(output, isDirectory, safeFileName(name, variant === 'original' ? mediaId : `${mediaId}-${variant}`, mime));

    const progress = ctx.progress(`downloading ${safeFileName(name, mediaId, mime)}`, size, { lines: true, format: formatBytes });
    try {
      await explained(ctx, server, () =>
        client.media.downloadTo(mediaId, file, { variant, overwrite: values.force === true, signal: ctx.signal, onProgress: (n, total) => progress.update(n, total) }).catch((err: unknown) => {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'EEXIST') throw new CliError(`${file} exists`, { code: 'exists', hint: 'pass --force to replace it, or -o another path' });
          if (code === 'ENOENT' || code === 'EACCES') throw new CliError(`cannot write ${file} (${code})`, { code: 'cannot_write' });
          throw err;
        }),
      );
    } finally {
      progress.done();
    }
    if (ctx.json) ctx.printJson({ mediaId, path: file, size, mime });
    else ctx.print(`${ctx.out.green('✓')} saved ${file} ${ctx.out.dim(`(${formatBytes(size)}, ${mime})`)}`);
    return 0;
  } finally {
    await client.close();
  }
}

/** The media of a message (its current version), or the media id itself. */
async function mediaOf(client: NodeOttrClient, ref: string): Promise<MediaId> {
  if (isId('media', ref)) return ref as MediaId;
  const versions = await client.messages.edits(ref as MessageId);
  const content = versions.at(-1)?.content;
  if (!content || !('mediaId' in content)) throw new CliError(`${ref} is not a media message`, { code: 'not_media' });
  return content.mediaId;
}

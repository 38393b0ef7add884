// Uploading a file from the command line: progress on stderr, errors in the CLI's words.
import path from 'node:path';
import type { Media, MediaKind } from '@ottr/protocol';
import { formatBytes, isOttrError, type NodeOttrClient } from '@ottr/sdk/node';
import { explained } from './client.js';
import type { Ctx } from './context.js';
import { CliError } from './errors.js';

/**
 * Uploads `file` as `kind` and resolves once the server has processed it. Ctrl-C cancels; the
 * same file uploaded again (same profile) resumes where the server's copy ends.
 */
export async function uploadFile(ctx: Ctx, client: NodeOttrClient, server: string, file: string, kind: MediaKind): Promise<Media> {
  const progress = ctx.progress(`uploading ${path.basename(file)}`, undefined, { lines: true, format: formatBytes });
  try {
    return await explained(ctx, server, () =>
      client.media.upload({ path: file }, { kind, onProgress: (sent, total) => progress.update(sent, total), signal: ctx.signal }).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`no such file: ${file}`, { code: 'no_file' });
        if (isOttrError(err, 'aborted')) throw new CliError('upload cancelled', { code: 'aborted', hint: 'send the same file again to resume it' });
        throw err;
      }),
    );
  } finally {
    progress.done();
  }
}

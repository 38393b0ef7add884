import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startTestNode } from './test-support/harness.js';
import { exportInstallation, TransferError } from './transfer.js';

describe('exportInstallation', () => {
  it('fails with the write error when the output breaks (a full disk, a closed pipe), instead of waiting for ever', async () => {
    const node = await startTestNode();
    await node.signIn();
    const dataDir = node.dataDir;
    await node.node.close();
    const broken = new Writable({ highWaterMark: 8, write: (_chunk, _enc, done) => done(new Error('ENOSPC: no space left on device')) });
    await expect(exportInstallation({}, broken, { config: { dataDir } })).rejects.toThrow(new TransferError('cannot write the export: ENOSPC: no space left on device'));
    await node.close();
  });
});

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DevCodeSender } from './dev-code-sender.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function capture() {
  const lines: Record<string, unknown>[] = [];
  // Like the server's root logger, censor `code` fields: the outbox line must still show the code.
  const logger = pino(
    { level: 'info', redact: { paths: ['code', '*.code'], censor: '[Redacted]' } },
    { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
  );
  return { logger, lines };
}

describe('DevCodeSender', () => {
  it('logs the code with a masked recipient and appends it to <dataDir>/dev-outbox.log, creating the directory', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'ottr-dev-outbox-'));
    dirs.push(root);
    const dataDir = path.join(root, 'nested', 'data');
    const { logger, lines } = capture();
    const sender = new DevCodeSender({ logger, dataDir, clock: { now: () => Date.UTC(2030, 0, 2, 3, 4, 5) } });

    await sender.send({ channel: 'sms', to: '+12133734253', code: '012345', expiresAt: 0 });
    await sender.send({ channel: 'email', to: 'alice@example.com', code: '987654', expiresAt: 0 });

    const outbox = await readFile(path.join(dataDir, 'dev-outbox.log'), 'utf8');
    expect(outbox).toBe(
      '2030-01-02T03:04:05.000Z\tsms\t+12133734253\t012345\n' + '2030-01-02T03:04:05.000Z\temail\talice@example.com\t987654\n',
    );
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 30, msg: 'code sent', channel: 'sms', to: '+1 ••• 4253', devCode: '012345' });
    expect(lines[1]).toMatchObject({ level: 30, msg: 'code sent', channel: 'email', to: 'a••@example.com', devCode: '987654' });
    expect(JSON.stringify(lines)).not.toContain('+12133734253');
    expect(JSON.stringify(lines)).not.toContain('alice@example.com');
  });

  it('fails with code_delivery_failed when the outbox cannot be written', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'ottr-dev-outbox-'));
    dirs.push(root);
    const { logger } = capture();
    // dataDir is a path below a file: mkdir fails.
    const blocker = path.join(root, 'file');
    await writeFile(blocker, 'x');
    const sender = new DevCodeSender({ logger, dataDir: path.join(blocker, 'data') });
    await expect(sender.send({ channel: 'sms', to: '+12133734253', code: '111111', expiresAt: 0 })).rejects.toMatchObject({
      code: 'code_delivery_failed',
    });
  });
});

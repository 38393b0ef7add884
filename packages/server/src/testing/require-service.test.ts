import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { inCI, requireService } from './require-service.js';

/** A port nothing listens on: one that was just open and is closed again. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

// Called while the file is collected, as test files do: registers one skipped test with the reason.
const skipped = await requireService('Nothing', `postgres://127.0.0.1:${await closedPort()}/x`, { env: {} });

describe('requireService', () => {
  let server: Server | undefined;
  afterAll(() => new Promise((r) => (server ? server.close(r) : r(undefined))));

  it('resolves true when the service accepts connections', async () => {
    server = createServer();
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    expect(await requireService('Listener', `nats://127.0.0.1:${port}`, { env: {} })).toBe(true);
  });

  it('off CI, an unreachable service skips its tests (resolves false)', () => {
    expect(skipped).toBe(false);
  });

  it('in CI, an unreachable service fails, naming it without the password', async () => {
    const port = await closedPort();
    const failure = requireService('PostgreSQL', `postgres://u:secret@127.0.0.1:${port}/db`, { env: { CI: 'true' } });
    await expect(failure).rejects.toThrow(/PostgreSQL is not reachable at postgres:\/\/u:\*\*\*@127\.0\.0\.1:\d+\/db .*CI must provide it/);
    await expect(failure).rejects.not.toThrow(/secret/);
  });

  it('knows CI by CI=true or CI=1', () => {
    expect([inCI({ CI: 'true' }), inCI({ CI: '1' }), inCI({ CI: 'false' }), inCI({})]).toEqual([true, true, false, false]);
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config.js';
import { startNode, type RunningNode } from './node.js';

let dir: string;
let nodes: RunningNode[] = [];
let lines: string[] = [];
const logDestination = new Writable({
  write(chunk: Buffer, _enc, cb) {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    cb();
  },
});

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ottr-node-'));
  lines = [];
});
afterEach(async () => {
  await Promise.all(nodes.map((n) => n.close()));
  nodes = [];
  await rm(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<RunningNode> {
  const node = await startNode({ PORT: '0', OTTR_LOG_LEVEL: 'info', ...env }, { config: { dataDir: dir }, logDestination });
  nodes.push(node);
  return node;
}

/** The last code the dev outbox holds for `to`. */
async function outboxCode(to: string): Promise<string> {
  const rows = (await readFile(path.join(dir, 'dev-outbox.log'), 'utf8')).trim().split('\n').map((l) => l.split('\t'));
  const row = rows.reverse().find((r) => r[2] === to);
  if (!row?.[3]) throw new Error(`no code for ${to}`);
  return row[3];
}

describe('startNode', () => {
  it('starts a working node with zero configuration and logs one "ottr listening" line with its URL', async () => {
    const node = await start();
    expect(node.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${node.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${node.url}/readyz`)).status).toBe(200);
    const listening = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'ottr listening');
    expect(listening).toHaveLength(1);
    expect(listening[0]).toMatchObject({ url: node.url, store: 'sqlite' });
  });

  it('keeps users signed up and codes valid across a restart on the same data directory', async () => {
    let node = await start();
    const res = await fetch(`${node.url}/v1/auth/code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ada@example.com' }) });
    expect(res.status).toBe(202);
    const code = await outboxCode('ada@example.com');
    await node.close();
    nodes = [];

    // A new process would read the same <dataDir>/secret and database.
    node = await start();
    const verified = await fetch(`${node.url}/v1/auth/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@example.com', code, device: { name: 'test' } }),
    });
    expect(verified.status).toBe(200);
    const { accessToken } = (await verified.json()) as { accessToken: string };
    expect((await fetch(`${node.url}/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(200);
  });

  it('never writes a token or a code to its log except the dev outbox line', async () => {
    const node = await start();
    await fetch(`${node.url}/v1/auth/code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bo@example.com' }) });
    const code = await outboxCode('bo@example.com');
    const withCode = lines.filter((l) => l.includes(code));
    expect(withCode).toHaveLength(1);
    expect(withCode[0]).toContain('"devCode"');
  });

  it('stops listening on close', async () => {
    const node = await start();
    await node.close();
    nodes = [];
    await expect(fetch(`${node.url}/healthz`)).rejects.toThrow();
  });

  it('fails to start when NATS is unreachable (OTTR_BUS=nats), saying so', async () => {
    await expect(startNode({ OTTR_BUS: 'nats', OTTR_NATS_URL: 'nats://127.0.0.1:1' }, { config: { dataDir: dir, port: 0, host: '127.0.0.1' }, logDestination })).rejects.toThrow(
      /CONNECTION_REFUSED|ECONNREFUSED/,
    );
  });

  it('refuses a bad configuration before opening anything', async () => {
    await expect(startNode({ OTTR_STORE: 'foo' }, { config: { dataDir: path.join(dir, 'never') }, logDestination })).rejects.toBeInstanceOf(ConfigError);
    await expect(readFile(path.join(dir, 'never', 'secret'))).rejects.toThrow();
  });
});

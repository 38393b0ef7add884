import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { AccountId, DeviceId } from '@ottr/protocol';
import { startNode, type NodeOverrides, type RunningNode } from '../node.js';
import { rest } from './rest.js';
import { TestClient } from './ws-client.js';

/** A signed-in device of a test account. */
export interface TestDevice {
  email: string;
  accountId: AccountId;
  deviceId: DeviceId;
  accessToken: string;
  refreshToken: string;
  /** REST calls as this device. */
  api: ReturnType<typeof rest>;
}

export interface TestNode {
  node: RunningNode;
  url: string;
  wsUrl: string;
  dataDir: string;
  /** Everything the node logged, one JSON object per line. */
  logs: string[];
  /** Anonymous REST calls. */
  api: ReturnType<typeof rest>;
  /** Signs up a new account (or, given an email that exists, signs in a new device of it). */
  signIn(email?: string, deviceName?: string): Promise<TestDevice>;
  /** The latest code the dev outbox holds for `to`. */
  codeFor(to: string): Promise<string>;
  connect(device: TestDevice): Promise<TestClient>;
  close(): Promise<void>;
}

let counter = 0;

/**
 * Starts a real node in this process on 127.0.0.1, an ephemeral port and a fresh temporary
 * data directory (SQLite file, dev outbox; removed on close), with logs captured instead of
 * printed. `config.dataDir` picks another data directory, which is kept (a later node may reuse it).
 */
export async function startTestNode(config: NodeOverrides['config'] = {}): Promise<TestNode> {
  const ownDir = config.dataDir === undefined;
  const dataDir = config.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'ottr-test-')));
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const node = await startNode({}, { config: { host: '127.0.0.1', port: 0, dataDir, logLevel: 'info', ...config }, logDestination });
  const url = node.url;
  const wsUrl = `${url.replace(/^http/, 'ws')}/v1/ws`;
  const api = rest(url);
  const clients: TestClient[] = [];

  async function codeFor(to: string): Promise<string> {
    const lines = (await readFile(path.join(dataDir, 'dev-outbox.log'), 'utf8')).trim().split('\n');
    const line = lines.reverse().find((l) => l.split('\t')[2] === to);
    if (!line) throw new Error(`no code for ${to} in the dev outbox`);
    return line.split('\t')[3]!;
  }

  async function signIn(email = `user${++counter}-${Date.now()}@example.com`, deviceName = 'test device'): Promise<TestDevice> {
    const sent = await api('POST', '/v1/auth/code', { email });
    if (sent.status !== 202) throw new Error(`code request failed: ${JSON.stringify(sent.body)}`);
    const code = await codeFor(email);
    const res = await api('POST', '/v1/auth/verify', { email, code, device: { name: deviceName } });
    if (res.status !== 200) throw new Error(`verify failed: ${JSON.stringify(res.body)}`);
    const s = res.body as { accountId: AccountId; deviceId: DeviceId; accessToken: string; refreshToken: string };
    return { email, accountId: s.accountId, deviceId: s.deviceId, accessToken: s.accessToken, refreshToken: s.refreshToken, api: rest(url, s.accessToken) };
  }

  return {
    node,
    url,
    wsUrl,
    dataDir,
    logs,
    api,
    signIn,
    codeFor,
    async connect(device) {
      const c = await TestClient.connect(wsUrl, device.accessToken);
      clients.push(c);
      return c;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await node.close();
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

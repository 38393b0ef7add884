/**
 * A real ottr node in this process for end-to-end tests: 127.0.0.1, an ephemeral port, a fresh
 * temporary data directory (SQLite file, dev outbox where sign-in codes are read from), logs
 * captured instead of printed. Uses only @ottr/server-app's public `startNode`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { startNode, type AppConfigInput, type RunningNode } from '@ottr/server-app';

/** A signed-in device, as /v1/auth/verify answered. */
export interface SignedIn {
  email: string;
  accountId: string;
  deviceId: string;
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
}

export interface TestServer {
  node: RunningNode;
  url: string;
  dataDir: string;
  logs: string[];
  /** Signs up a new account (or signs a new device in to an existing email). */
  signIn(email?: string, deviceName?: string): Promise<SignedIn>;
  /** The latest sign-in code the dev outbox holds for `to`. */
  codeFor(to: string): Promise<string>;
  /** A REST call as a device (or anonymous). Throws on a non-2xx answer with its body. */
  call<T = unknown>(method: string, route: string, body?: unknown, token?: string): Promise<T>;
  close(): Promise<void>;
}

let counter = 0;

export async function startServer(config: AppConfigInput = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ottr-e2e-'));
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const node = await startNode({}, { config: { host: '127.0.0.1', port: 0, dataDir, logLevel: 'warn', ...config }, logDestination });
  const url = node.url;

  async function call<T>(method: string, route: string, body?: unknown, token?: string): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(url + route, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    const json = (text ? JSON.parse(text) : undefined) as T;
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
    return json;
  }

  async function codeFor(to: string): Promise<string> {
    const lines = (await readFile(path.join(dataDir, 'dev-outbox.log'), 'utf8')).trim().split('\n');
    const line = lines.reverse().find((l) => l.split('\t')[2] === to);
    if (!line) throw new Error(`no code for ${to} in the dev outbox`);
    return line.split('\t')[3]!;
  }

  async function signIn(email = `user${++counter}-${Date.now()}@example.com`, deviceName = 'e2e device'): Promise<SignedIn> {
    await call('POST', '/v1/auth/code', { email });
    const code = await codeFor(email);
    const s = await call<Omit<SignedIn, 'email'>>('POST', '/v1/auth/verify', { email, code, device: { name: deviceName } });
    return { email, accountId: s.accountId, deviceId: s.deviceId, accessToken: s.accessToken, accessTokenExpiresAt: s.accessTokenExpiresAt, refreshToken: s.refreshToken };
  }

  return {
    node,
    url,
    dataDir,
    logs,
    signIn,
    codeFor,
    call,
    async close() {
      await node.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

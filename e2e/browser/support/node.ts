import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { startNode, type RunningNode } from '@ottr/server-app';
import type { TestSession } from './session.js';

/** A real ottr node in this process, for a browser test file. */
export interface BrowserTestNode {
  /** Base URL, e.g. http://127.0.0.1:41234: the origin the test pages are opened on. */
  url: string;
  dataDir: string;
  /** Every line the node logged (JSON). */
  logs: string[];
  /** Signs up a new account (or, for an email that exists, signs in a new device of it). */
  signIn(email?: string, deviceName?: string): Promise<TestSession>;
  close(): Promise<void>;
}

/** Code requests and verifies all come from 127.0.0.1: lift the per-IP limits for tests. */
const MANY = { limit: 1_000_000, windowMs: 3600_000 };

let counter = 0;

/**
 * Starts a node on 127.0.0.1, an ephemeral port and a fresh temporary data directory, with the
 * default adapters (SQLite, in-process bus, dev code sender) and its logs captured.
 */
export async function startBrowserTestNode(): Promise<BrowserTestNode> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ottr-browser-'));
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  let node: RunningNode;
  try {
    node = await startNode(
      {},
      {
        config: { host: '127.0.0.1', port: 0, dataDir, logLevel: 'info', auth: { codePerIp: MANY, verifyPerIp: MANY } },
        logDestination,
      },
    );
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const url = node.url;

  async function post(route: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json().catch(() => null) };
  }

  /** The latest code the dev outbox (`<time>\t<channel>\t<to>\t<code>` lines) holds for `to`. */
  async function codeFor(to: string): Promise<string> {
    const lines = (await readFile(path.join(dataDir, 'dev-outbox.log'), 'utf8')).trim().split('\n');
    const line = lines.reverse().find((l) => l.split('\t')[2] === to);
    if (!line) throw new Error(`no code for ${to} in the dev outbox`);
    return line.split('\t')[3]!;
  }

  return {
    url,
    dataDir,
    logs,
    async signIn(email = `browser${++counter}-${Date.now()}@example.com`, deviceName = 'browser test') {
      const sent = await post('/v1/auth/code', { email });
      if (sent.status !== 202) throw new Error(`code request for ${email} failed (${sent.status}): ${JSON.stringify(sent.body)}`);
      const verified = await post('/v1/auth/verify', { email, code: await codeFor(email), device: { name: deviceName, platform: 'web' } });
      if (verified.status !== 200) throw new Error(`verify for ${email} failed (${verified.status}): ${JSON.stringify(verified.body)}`);
      return { ...(verified.body as Omit<TestSession, 'email'>), email };
    },
    async close() {
      await node.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

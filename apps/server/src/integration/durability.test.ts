import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConversationEvent, ConversationListItem } from '@ottr/protocol';
import { rest } from '../test-support/rest.js';
import { FrameError, TestClient } from '../test-support/ws-client.js';

const KILL_AFTER = 1000;

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const dataDir = await mkdtemp(path.join(tmpdir(), 'ottr-kill-'));
afterAll(() => rm(dataDir, { recursive: true, force: true }));

/** Starts `npm start`'s command as a child process and resolves with its URL once it listens. */
async function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', OTTR_HOST: '127.0.0.1', OTTR_DATA_DIR: dataDir, OTTR_LOG_LEVEL: 'info', OTTR_SENDS_PER_DEVICE: '100000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited early (${code})`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'ottr listening' && entry.url) resolve(entry.url);
    });
  });
  return { child, url };
}

async function signIn(url: string, email: string) {
  const api = rest(url);
  await api('POST', '/v1/auth/code', { email });
  const lines = (await readFile(path.join(dataDir, 'dev-outbox.log'), 'utf8')).trim().split('\n');
  const code = lines.reverse().find((l) => l.split('\t')[2] === email)!.split('\t')[3];
  const res = await api('POST', '/v1/auth/verify', { email, code, device: { name: 'burst' } });
  return res.body as { accountId: string; accessToken: string };
}

describe('durability', () => {
  it('kill -9 during a burst of sends loses no acknowledged message', async () => {
    const first = await startChild();
    const ada = await signIn(first.url, 'ada@kill.test');
    const ben = await signIn(first.url, 'ben@kill.test');
    const cnv = (await rest(first.url, ada.accessToken)<ConversationListItem>('POST', '/v1/conversations', { kind: 'direct', peer: ben.accountId })).body.conversation.id;
    const client = await TestClient.connect(`${first.url.replace('http', 'ws')}/v1/ws`, ada.accessToken);

    // Pipeline sends (a window of 100 in flight) and kill the server mid-burst, without warning.
    const acked = new Map<string, number>();
    let sent = 0;
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    const pump = async (): Promise<void> => {
      while (sent < 20_000) {
        const id = `k${sent++}`;
        for (;;) {
          try {
            const { event } = await client.call<{ event: ConversationEvent }>({ type: 'send', conversationId: cnv, clientMsgId: id, content: { kind: 'text', text: id } });
            acked.set(id, event.seq);
            if (acked.size === KILL_AFTER) first.child.kill('SIGKILL');
            break;
          } catch (err) {
            // Over the per-connection frame rate: back off and resend the same clientMsgId, as a client does.
            if (!(err instanceof FrameError && err.code === 'rate_limited')) return;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      }
    };
    const pumps = Array.from({ length: 100 }, pump);
    // Should the burst end early (it must not), kill anyway so the test fails on its assertions, not by hanging.
    void Promise.all(pumps).then(() => first.child.kill('SIGKILL'));
    await exited;
    client.ws.terminate();
    await Promise.race([Promise.all(pumps), client.closed]);
    expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER);

    // Restart on the same data; every acknowledged message is there with its seq, gap-free.
    const second = await startChild();
    try {
      const api = rest(second.url, (await signIn(second.url, 'ben@kill.test')).accessToken);
      const stored = new Map<string, number>();
      const seqs: number[] = [];
      let after = 0;
      for (;;) {
        const page = await api<{ events: ConversationEvent[]; after: number | null }>('GET', `/v1/conversations/${cnv}/events?after=${after}&limit=100`);
        for (const e of page.body.events) {
          seqs.push(e.seq);
          if (e.type === 'message') stored.set(e.clientMsgId, e.seq);
        }
        if (page.body.after === null) break;
        after = page.body.after;
      }
      const lost = [...acked].filter(([id, seq]) => stored.get(id) !== seq);
      expect(lost).toEqual([]);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      expect(stored.size).toBe(seqs.length - 1); // every message once, plus conversation_created
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((resolve) => second.child.once('exit', resolve));
    }
  }, 120_000);
});

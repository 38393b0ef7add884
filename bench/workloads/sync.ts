/**
 * Catch-up: a device was away while 1,000 messages arrived across 100 conversations; it
 * reconnects and syncs from its cursor. Measured from opening the socket to holding every one
 * of them (all pages fetched).
 */
import { pool } from '../lib/http.js';
import { directChat, type User } from '../lib/provision.js';
import { LoadClient } from '../lib/ws-load.js';

type SyncPage = { cursor: string; hasMore: boolean; entries: { events: { type: string }[] }[] };

export interface SyncResult {
  ms: number;
  messages: number;
  pages: number;
}

export async function syncCatchUp(url: string, away: User, peers: readonly User[], perConversation: number): Promise<SyncResult> {
  const conversations = await pool(peers.length, 16, (i) => directChat(url, peers[i]!, away));
  // The device syncs once, then goes away.
  const device = await LoadClient.connect(url, away.accessToken);
  let cursor: string | undefined;
  for (let page: SyncPage | undefined; !page || page.hasMore; ) {
    page = (await device.call({ type: 'sync', ...(cursor && { since: cursor }) })).result as SyncPage;
    cursor = page.cursor;
  }
  await device.close();
  await pool(peers.length, 16, async (i) => {
    const sender = await LoadClient.connect(url, peers[i]!.accessToken);
    for (let m = 0; m < perConversation; m++) {
      await sender.call({ type: 'send', conversationId: conversations[i]!, clientMsgId: `s${i}-${m}`, content: { kind: 'text', text: `missed message ${m} from peer ${i}` } });
    }
    await sender.close();
  });
  const t0 = performance.now();
  const back = await LoadClient.connect(url, away.accessToken);
  let messages = 0;
  let pages = 0;
  for (let page: SyncPage | undefined; !page || page.hasMore; pages++) {
    page = (await back.call({ type: 'sync', since: cursor! })).result as SyncPage;
    cursor = page.cursor;
    for (const entry of page.entries) messages += entry.events.filter((e) => e.type === 'message').length;
  }
  const ms = performance.now() - t0;
  await back.close();
  if (messages !== peers.length * perConversation) throw new Error(`sync returned ${messages} messages, expected ${peers.length * perConversation}`);
  return { ms, messages, pages };
}

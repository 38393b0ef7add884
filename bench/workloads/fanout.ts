/**
 * Group fan-out: one member sends, one message at a time, to a group whose every member has a
 * connected device; the time from the send to the last member receiving it. Members don't send
 * receipts here, so the figure is the fan-out alone.
 */
import { pool } from '../lib/http.js';
import { LoadClient } from '../lib/ws-load.js';
import { percentile } from './pairs.js';
import type { User } from '../lib/provision.js';

export interface FanoutResult {
  p50: number;
  p99: number;
  members: number;
  messages: number;
}

export async function fanout(urls: readonly string[], conversationId: string, members: readonly User[], o: { messages: number; messageBytes: number }): Promise<FanoutResult> {
  const clients = await pool(members.length, 64, (i) => LoadClient.connect(urls[i % urls.length]!, members[i]!.accessToken));
  try {
    const [sender, ...receivers] = clients as [LoadClient, ...LoadClient[]];
    const times: number[] = [];
    for (let m = 0; m < o.messages + 2; m++) {
      let waiting = receivers.length;
      let sentAt = 0;
      const allHaveIt = new Promise<number>((resolve) => {
        for (const r of receivers) {
          r.onPush = (f) => {
            if (f.type === 'event' && --waiting === 0) resolve(performance.now() - sentAt);
          };
        }
      });
      sentAt = performance.now();
      await sender.call({ type: 'send', conversationId, clientMsgId: `f${m}-${Date.now()}`, content: { kind: 'text', text: 'x'.repeat(o.messageBytes) } });
      const elapsed = await allHaveIt;
      if (m >= 2) times.push(elapsed); // the first two warm the path up
    }
    times.sort((a, b) => a - b);
    return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), members: members.length, messages: times.length };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

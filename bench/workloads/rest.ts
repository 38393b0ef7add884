/**
 * REST sends: POST /v1/conversations/{id}/messages from many accounts (each within its
 * per-account request limit), `concurrency` requests in flight over kept-alive connections.
 */
import { api, HttpError } from '../lib/http.js';

export interface RestResult {
  perSecond: number;
  errors: Record<string, number>;
}

export async function restSends(urls: readonly string[], senders: readonly { token: string; conversationId: string }[], o: { concurrency: number; warmupMs: number; durationMs: number; messageBytes: number }): Promise<RestResult> {
  const errors: Record<string, number> = {};
  let counting = false;
  let done = 0;
  let stop = false;
  let n = 0;
  const text = 'x'.repeat(o.messageBytes);
  await Promise.all(
    Array.from({ length: o.concurrency }, async (_, w) => {
      for (let i = w; !stop; i += o.concurrency) {
        const s = senders[i % senders.length]!;
        try {
          await api(urls[i % urls.length]!, 'POST', `/v1/conversations/${s.conversationId}/messages`, { clientMsgId: `r${++n}`, content: { kind: 'text', text } }, s.token);
          if (counting) done++;
        } catch (err) {
          const code = err instanceof HttpError ? String(err.status) : 'network';
          errors[code] = (errors[code] ?? 0) + 1;
        }
      }
    }).concat(
      (async () => {
        await new Promise((r) => setTimeout(r, o.warmupMs));
        counting = true;
        await new Promise((r) => setTimeout(r, o.durationMs));
        counting = false;
        stop = true;
      })(),
    ),
  );
  return { perSecond: done / (o.durationMs / 1000), errors };
}

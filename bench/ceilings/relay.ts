/**
 * The relay ceiling: a bare WebSocket relay on the same library (ws, no compression) that moves
 * the same frames as ottr's 1:1 path between the same clients — parse the JSON, answer the sender
 * with a `result` carrying the event, push the event to the recipient — with no auth, no
 * validation, no storage and no receipts bookkeeping. What ottr does beyond this is its cost.
 *
 *   node --import tsx bench/ceilings/relay.ts      (prints {"port":…} when listening)
 *
 * A client's `auth` token is its number (nothing is checked); a `send` frame names the
 * recipient's number in `to`.
 */
import { WebSocketServer, type WebSocket } from 'ws';

type Incoming = { type: string; id?: string; token?: string; to?: number; clientMsgId?: string; content?: unknown };

const clients = new Map<number, WebSocket>();
const seqs = new Map<number, number>();
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 1024 * 1024 });
let eventIds = 0;

wss.on('connection', (ws) => {
  let n = -1;
  ws.on('close', () => clients.delete(n));
  ws.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString('utf8')) as Incoming;
    if (frame.type === 'auth') {
      n = Number(frame.token);
      clients.set(n, ws);
      ws.send(JSON.stringify({ type: 'ready', id: frame.id, accountId: `acc_${n}`, deviceId: `dev_${n}`, protocol: 1, serverTime: Date.now(), heartbeatMs: 30_000, maxFrameBytes: 262_144 }));
    } else if (frame.type === 'send') {
      const to = Number(frame.to);
      const seq = (seqs.get(to) ?? 0) + 1;
      seqs.set(to, seq);
      const event = { id: `msg_${String(++eventIds).padStart(26, '0')}`, conversationId: `cnv_${String(to).padStart(26, '0')}`, seq, at: Date.now(), sender: `acc_${String(n).padStart(26, '0')}`, type: 'message', clientMsgId: frame.clientMsgId, content: frame.content };
      ws.send(JSON.stringify({ type: 'result', id: frame.id, result: { event } }));
      clients.get(to)?.send(JSON.stringify({ type: 'event', event }));
    } else {
      ws.send(JSON.stringify({ type: 'result', id: frame.id, result: {} }));
    }
  });
});

wss.on('listening', () => {
  const address = wss.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => wss.close(() => process.exit(0)));

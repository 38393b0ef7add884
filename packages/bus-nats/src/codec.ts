import { headers, type MsgHdrs } from 'nats';
import type { BusMessage } from '@ottr/server';

/**
 * How a BusMessage travels on NATS: the frame, already serialized by the server, is the payload
 * as its UTF-8 bytes (never wrapped or re-encoded); `except` and `close`, rare and small, are
 * headers. A message without a frame says so in a header, so that `{}`, `{frame: ''}` and a
 * close without a frame come back exactly as sent.
 */
export const HEADER = {
  except: 'Ottr-Except',
  /** JSON of BusMessage.close (JSON.stringify escapes line breaks, so it is a valid header value). */
  close: 'Ottr-Close',
  noFrame: 'Ottr-No-Frame',
} as const;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

export function encode(message: BusMessage): { data: Uint8Array; headers?: MsgHdrs } {
  const data = message.frame === undefined ? EMPTY : encoder.encode(message.frame);
  if (message.frame !== undefined && message.except === undefined && message.close === undefined) return { data };
  const h = headers();
  if (message.frame === undefined) h.set(HEADER.noFrame, '1');
  if (message.except !== undefined) h.set(HEADER.except, message.except);
  if (message.close !== undefined) h.set(HEADER.close, JSON.stringify(message.close));
  return { data, headers: h };
}

/** The message back from a payload and its headers; throws on a malformed close header. */
export function decode(data: Uint8Array, h: MsgHdrs | undefined): BusMessage {
  const message: BusMessage = {};
  if (!h?.has(HEADER.noFrame)) message.frame = decoder.decode(data);
  if (h?.has(HEADER.except)) message.except = h.get(HEADER.except);
  if (h?.has(HEADER.close)) {
    const close = JSON.parse(h.get(HEADER.close)) as { code?: unknown; reason?: unknown; deviceId?: unknown };
    if (typeof close.code !== 'number' || typeof close.reason !== 'string') throw new Error(`bus-nats: malformed ${HEADER.close} header`);
    message.close = { code: close.code, reason: close.reason, ...(typeof close.deviceId === 'string' && { deviceId: close.deviceId }) };
  }
  return message;
}

import { connect } from 'node:net';
import { CLOSE, LIMITS, type ClientFrameOf } from '@ottr/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../errors/index.js';
import type { ConnectionContext, FrameHandlers } from '../../handlers.js';
import { startGateway, TestClient, type Harness } from './test-kit.js';

const CNV = 'cnv_01HZX3J5K6M7N8P9Q0R1S2T3V4';
const MSG = 'msg_01HZX3J5K6M7N8P9Q0R1S2T3V4';

let h: Harness;
let c: TestClient;
const typingCalls: { conn: ConnectionContext; frame: ClientFrameOf<'typing'> }[] = [];

const handlers: FrameHandlers = {
  typing: async (conn, frame) => {
    typingCalls.push({ conn, frame });
    if (frame.state === 'stopped' && frame.conversationId === CNV.replace('V4', 'V5')) throw new AppError('not_member');
    return {};
  },
  delete: async (_conn, frame) => {
    if (frame.messageId === MSG) throw new AppError('message_deleted', 'already gone');
    throw new Error('storage exploded');
  },
  read: async () => ({}),
};

beforeEach(async () => {
  typingCalls.length = 0;
  h = await startGateway({ handlers });
  ({ client: c } = await TestClient.authed(h.url, 'alice1'));
});

afterEach(async () => {
  c.close();
  await h.stop();
});

/** The connection is still usable: a ping gets its result. */
async function stillUsable(): Promise<void> {
  expect(await c.request({ type: 'ping', id: 'still' })).toMatchObject({ type: 'result', id: 'still' });
}

describe('ws gateway: frames after ready', () => {
  it('ping → result with serverTime', async () => {
    const before = Date.now();
    const r = await c.request({ type: 'ping', id: 'p1' });
    expect(r).toEqual({ type: 'result', id: 'p1', result: { serverTime: expect.any(Number) as number } });
    expect((r.result as { serverTime: number }).serverTime).toBeGreaterThanOrEqual(before);
  });

  it('a handler value → result frame with the id', async () => {
    expect(await c.request({ type: 'read', id: 'r1', conversationId: CNV, seq: 3 })).toEqual({ type: 'result', id: 'r1', result: {} });
  });

  it('a thrown AppError → error frame with code, status, message, retryable', async () => {
    expect(await c.request({ type: 'delete', id: 'd1', messageId: MSG })).toEqual({
      type: 'error',
      id: 'd1',
      code: 'message_deleted',
      status: 409,
      message: 'already gone',
      retryable: false,
    });
    await stillUsable();
  });

  it('any other throw → internal, logged, connection stays open', async () => {
    const other = MSG.replace('V4', 'V5');
    expect(await c.request({ type: 'delete', id: 'd2', messageId: other })).toMatchObject({
      type: 'error',
      id: 'd2',
      code: 'internal',
      status: 500,
      retryable: true,
    });
    expect(h.logs.some((l) => l.level === 'error' && (l.obj as { err?: Error }).err?.message === 'storage exploded')).toBe(true);
    await stillUsable();
  });

  it('typing without id gets no reply; with an id it gets a result', async () => {
    c.send({ type: 'typing', conversationId: CNV, state: 'typing' });
    // an id-less typing whose handler throws also gets no reply
    c.send({ type: 'typing', conversationId: CNV.replace('V4', 'V5'), state: 'stopped' });
    await stillUsable(); // the next frame is the ping's result: nothing was sent for the two typing frames
    expect(typingCalls.map((t) => t.frame.state)).toEqual(['typing', 'stopped']);
    expect(typingCalls[0]!.conn).toMatchObject({ accountId: 'acc_alice', deviceId: 'dev_alice1' });
    expect(await c.request({ type: 'typing', id: 't1', conversationId: CNV, state: 'typing' })).toEqual({ type: 'result', id: 't1', result: {} });
  });

  it('malformed JSON → malformed_json', async () => {
    expect(await c.request('{"type":"ping", id:')).toMatchObject({ type: 'error', code: 'malformed_json', status: 400 });
    await stillUsable();
  });

  it.each([['[1,2]'], ['"ping"'], ['null'], ['{"id":"x1"}'], ['{"type":7,"id":"x1"}']])('%s → bad_request', async (text) => {
    const r = await c.request(text);
    expect(r).toMatchObject({ type: 'error', code: 'bad_request' });
    if (text.includes('x1')) expect(r.id).toBe('x1');
    await stillUsable();
  });

  it('binary frames → bad_request', async () => {
    expect(await c.request(Buffer.from(JSON.stringify({ type: 'ping', id: 'b1' })))).toMatchObject({ type: 'error', code: 'bad_request' });
    await stillUsable();
  });

  it('an unknown type → unknown_frame with the id echoed', async () => {
    expect(await c.request({ type: 'teleport', id: 'u1' })).toMatchObject({ type: 'error', id: 'u1', code: 'unknown_frame' });
    // an id that is not a string is not echoed
    const r = await c.request({ type: 'teleport', id: 5 });
    expect(r).toMatchObject({ type: 'error', code: 'unknown_frame' });
    expect(r).not.toHaveProperty('id');
    await stillUsable();
  });

  it('a known type with no handler → unknown_frame', async () => {
    expect(await c.request({ type: 'sync', id: 's1' })).toMatchObject({ type: 'error', id: 's1', code: 'unknown_frame' });
    await stillUsable();
  });

  it('schema mismatch → validation_failed naming the first failing path', async () => {
    const r = await c.request({ type: 'read', id: 'v1', conversationId: CNV, seq: 'three' });
    expect(r).toMatchObject({ type: 'error', id: 'v1', code: 'validation_failed', status: 400 });
    expect(r.message).toMatch(/^read: \/seq: /);
    const extra = await c.request({ type: 'ping', id: 'v2', extra: true });
    expect(extra).toMatchObject({ type: 'error', id: 'v2', code: 'validation_failed' });
    expect(extra.message).toContain('/extra');
    const missingId = await c.request({ type: 'read', conversationId: CNV, seq: 1 });
    expect(missingId).toMatchObject({ type: 'error', code: 'validation_failed' });
    expect(missingId.message).toContain('/id');
    await stillUsable();
  });

  it('validation messages of unions name the meant variant or the accepted literals', async () => {
    const typing = await c.request({ type: 'typing', id: 't', conversationId: CNV, state: 'dancing' });
    expect(typing.message).toBe('typing: /state: Expected one of "typing", "stopped"');
    const send = { type: 'send', id: 's', conversationId: CNV, clientMsgId: 'c1' };
    const image = await c.request({ ...send, content: { kind: 'image' } });
    expect(image.message).toBe('send: /content/mediaId: Expected required property');
    const kind = await c.request({ ...send, content: { kind: 'gif' } });
    expect(kind.message).toMatch(/^send: \/content\/kind: Expected one of "text", "image", /);
  });

  it(`a frame above ${LIMITS.frameBytes} bytes → frame_too_large; then a normal request works`, async () => {
    const big = JSON.stringify({ type: 'ping', id: 'big', pad: 'x'.repeat(300 * 1024) });
    expect(await c.request(big)).toMatchObject({ type: 'error', code: 'frame_too_large', status: 413 });
    await stillUsable();
  });

  it(`a frame above ${LIMITS.hardFrameBytes} bytes closes the socket with 1009`, async () => {
    c.send(JSON.stringify({ type: 'ping', id: 'huge', pad: 'x'.repeat(2 * 1024 * 1024) }));
    expect((await c.closed).code).toBe(CLOSE.tooBig);
    expect(await h.serverClosed(1)).toEqual([CLOSE.tooBig]);
  });

  it('invalid UTF-8 in a text frame closes with 1007 (ws), nothing crashes', async () => {
    c.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await c.closed).code).toBe(1007);
    const { client } = await TestClient.authed(h.url, 'alice2');
    expect(await client.request({ type: 'ping', id: 'p' })).toMatchObject({ type: 'result' });
    client.close();
  });

  it('garbage after the handshake (an invalid opcode) only closes that socket', async () => {
    const raw = connect(h.port, '127.0.0.1');
    raw.on('error', () => {});
    raw.write(
      'GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    const response = await new Promise<string>((resolve) => raw.once('data', (d: Buffer) => resolve(d.toString())));
    expect(response).toMatch(/^HTTP\/1\.1 101/);
    raw.write(Buffer.from([0x8f, 0x80, 0, 0, 0, 0])); // FIN + reserved opcode 0xF, masked, empty
    await new Promise((resolve) => raw.once('close', resolve));
    await stillUsable();
  });
});

import { describe, expect, it } from 'vitest';
import type { GatewayMetrics } from '../transport/ws/index.js';
import { Metrics } from './metrics.js';

/** The value of one series in the text exposition, or undefined when absent. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Metrics', () => {
  it('gives each instance its own registry: two servers in one process do not clash', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.connections(2);
    b.connections(1);
    expect(value(await a.render(), 'ws_connections')).toBe(2);
    expect(value(await b.render(), 'ws_connections')).toBe(1);
  });

  it('includes process metrics by default and can leave them out', async () => {
    expect(await new Metrics().render()).toContain('process_cpu_user_seconds_total');
    expect(await new Metrics({ processMetrics: false }).render()).not.toContain('process_cpu_user_seconds_total');
  });

  it('counts WebSocket traffic with bounded labels', async () => {
    const m = new Metrics({ processMetrics: false });
    const gateway: GatewayMetrics = m;
    gateway.connections?.(3);
    gateway.onFrameIn?.('send');
    gateway.onFrameIn?.('send');
    gateway.onFrameIn?.('unknown');
    gateway.onFrameIn?.('x'.repeat(1000));
    gateway.onFrameIn?.('__proto__');
    for (let i = 0; i < 3; i++) gateway.onFrameOut?.();
    gateway.onClose?.(1001);
    gateway.onClose?.(4999);
    gateway.onClose?.(4003);
    gateway.onError?.('rate_limited');
    gateway.onError?.('made_up');
    gateway.connections?.(1);
    const text = await m.render();
    expect(value(text, 'ws_frames_in_total{type="send"}')).toBe(2);
    expect(value(text, 'ws_frames_in_total{type="unknown"}')).toBe(1);
    expect(value(text, 'ws_frames_in_total{type="other"}')).toBe(2);
    expect(value(text, 'ws_frames_out_total')).toBe(3);
    expect(value(text, 'ws_closed_total{code="1001"}')).toBe(1);
    expect(value(text, 'ws_closed_total{code="other"}')).toBe(1);
    expect(value(text, 'ws_closed_total{code="4003"}')).toBe(1);
    expect(value(text, 'errors_total{code="rate_limited"}')).toBe(1);
    expect(value(text, 'errors_total{code="other"}')).toBe(1);
    expect(value(text, 'ws_connections')).toBe(1);
  });

  it('times sends from receipt to durable ack', async () => {
    const m = new Metrics({ processMetrics: false });
    m.sent(0.004);
    m.deliveredTo(5);
    m.deliveredTo(0);
    const text = await m.render();
    expect(value(text, 'messages_sent_total')).toBe(1);
    expect(value(text, 'send_latency_seconds_count')).toBe(1);
    expect(value(text, 'send_latency_seconds_bucket{le="0.0025"}')).toBe(0);
    expect(value(text, 'send_latency_seconds_bucket{le="0.005"}')).toBe(1);
    expect(value(text, 'send_latency_seconds_sum')).toBeCloseTo(0.004);
    expect(value(text, 'delivery_fanout_total')).toBe(5);
  });

  it('labels HTTP requests by operation id, never by raw URL', async () => {
    const m = new Metrics({ processMetrics: false });
    m.httpRequest('getMe', 200, 0.002);
    m.httpRequest('/v1/conversations/cnv_123', 404, 0.001);
    m.httpRequest('not_found', 404, 0.001);
    m.error('not_found');
    const text = await m.render();
    expect(value(text, 'http_requests_total{route="getMe",status="200"}')).toBe(1);
    expect(value(text, 'http_requests_total{route="other",status="404"}')).toBe(1);
    expect(value(text, 'http_requests_total{route="not_found",status="404"}')).toBe(1);
    expect(value(text, 'http_request_duration_seconds_count{route="getMe"}')).toBe(1);
    expect(value(text, 'errors_total{code="not_found"}')).toBe(1);
    expect(text).not.toContain('cnv_123');
  });

  it('applies a prefix and default labels', async () => {
    const m = new Metrics({ prefix: 'ottr_', defaultLabels: { node: 'n1' }, processMetrics: false });
    m.connections(1);
    expect(value(await m.render(), 'ottr_ws_connections{node="n1"}')).toBe(1);
    expect(m.contentType).toContain('text/plain');
  });
});

import { CLOSE, ClientFrameSchemas, ERRORS, PUSH_KINDS, ROUTES, type ErrorCode } from '@ottr/protocol';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsOptions {
  /** Prepended to every metric name, e.g. `ottr_`. Default: none. */
  prefix?: string;
  /** Labels added to every series (e.g. `{ node: 'a' }`). */
  defaultLabels?: Record<string, string>;
  /** Process and Node.js runtime metrics (CPU, memory, event loop lag, GC). Default: true. */
  processMetrics?: boolean;
}

/** A label value outside the known set: keeps every label's cardinality bounded. */
const OTHER = 'other';
const FRAME_TYPES = new Set<string>([...Object.keys(ClientFrameSchemas), 'unknown', 'invalid']);
const CLOSE_CODES = new Set<number>([...Object.values(CLOSE), 1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011]);
/** Route labels are operation ids or a few fixed names; never raw URLs. */
export const FIXED_ROUTE_LABELS = ['openapi', 'healthz', 'readyz', 'metrics', 'ws', 'web', 'not_found'] as const;
const PUSH_PROVIDERS = new Set<string>(PUSH_KINDS);
const ROUTE_LABELS = new Set<string>([...Object.keys(ROUTES), ...FIXED_ROUTE_LABELS]);

/** Seconds; sends are expected in the low milliseconds (group commit), with a long tail to 5 s. */
const SEND_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The server's Prometheus metrics, in a registry of their own (never prom-client's global one),
 * so several servers in one process do not clash. Recording goes through the methods below,
 * which map free-form input (frame types from clients, close codes) to a bounded label set.
 * Structurally a GatewayMetrics (transport/ws): pass the same instance to the gateway.
 */
export class Metrics {
  readonly registry: Registry;
  private readonly wsConnections: Gauge;
  private readonly wsFramesIn: Counter<'type'>;
  private readonly wsFramesOut: Counter;
  private readonly wsClosed: Counter<'code'>;
  private readonly messagesSent: Counter;
  private readonly sendLatency: Histogram;
  private readonly deliveryFanout: Counter;
  private readonly httpRequests: Counter<'route' | 'status'>;
  private readonly httpDuration: Histogram<'route'>;
  private readonly errors: Counter<'code'>;
  private readonly pushSent: Counter<'provider'>;
  private readonly pushFailed: Counter<'provider' | 'reason'>;
  private readonly pushPruned: Counter<'provider'>;
  private readonly pushLatency: Histogram<'provider'>;

  constructor(options: MetricsOptions = {}) {
    const p = options.prefix ?? '';
    const registers = [(this.registry = new Registry())];
    if (options.defaultLabels) this.registry.setDefaultLabels(options.defaultLabels);
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: p });

    this.wsConnections = new Gauge({ name: `${p}ws_connections`, help: 'Open WebSocket connections on this node', registers });
    this.wsFramesIn = new Counter({ name: `${p}ws_frames_in_total`, help: 'Frames received from clients, by frame type', labelNames: ['type'], registers });
    this.wsFramesOut = new Counter({ name: `${p}ws_frames_out_total`, help: 'Frames written to client sockets', registers });
    this.wsClosed = new Counter({ name: `${p}ws_closed_total`, help: 'WebSocket connections closed, by close code', labelNames: ['code'], registers });
    this.messagesSent = new Counter({ name: `${p}messages_sent_total`, help: 'Sends committed durably and acknowledged', registers });
    this.sendLatency = new Histogram({
      name: `${p}send_latency_seconds`,
      help: 'From receipt of a send to its durable ack',
      buckets: SEND_BUCKETS,
      registers,
    });
    this.deliveryFanout = new Counter({ name: `${p}delivery_fanout_total`, help: 'Event deliveries handed to recipient sockets', registers });
    this.httpRequests = new Counter({ name: `${p}http_requests_total`, help: 'REST requests, by operation id and status', labelNames: ['route', 'status'], registers });
    this.httpDuration = new Histogram({
      name: `${p}http_request_duration_seconds`,
      help: 'REST request duration, by operation id',
      labelNames: ['route'],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.pushSent = new Counter({ name: `${p}push_sent_total`, help: 'Notifications a push service accepted, by provider', labelNames: ['provider'], registers });
    this.pushFailed = new Counter({
      name: `${p}push_failed_total`,
      help: 'Push attempts that failed, by provider and reason (retry: tried again later; rejected: refused for good; dead: out of retries)',
      labelNames: ['provider', 'reason'],
      registers,
    });
    this.pushPruned = new Counter({ name: `${p}push_pruned_total`, help: 'Push targets removed because the service said they are gone', labelNames: ['provider'], registers });
    this.pushLatency = new Histogram({ name: `${p}push_latency_seconds`, help: 'Round trip of an accepted push request, by provider', labelNames: ['provider'], buckets: HTTP_BUCKETS, registers });
    this.errors = new Counter({ name: `${p}errors_total`, help: 'Errors sent to clients (REST and WebSocket), by error code', labelNames: ['code'], registers });
  }

  /** The Content-Type of `render()`. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  // ---- WebSocket gateway (these five methods make Metrics a GatewayMetrics) ----------------

  /** Open sockets on this node after each change (sets ws_connections). */
  connections(n: number): void {
    this.wsConnections.set(n);
  }

  /** A frame arrived; types that are not client frames count as `other`. */
  onFrameIn(type: string): void {
    this.wsFramesIn.inc({ type: FRAME_TYPES.has(type) ? type : OTHER });
  }

  /** One frame written to one socket. */
  onFrameOut(): void {
    this.wsFramesOut.inc();
  }

  /** A socket closed with `code` (codes outside the protocol's and the standard ones count as `other`). */
  onClose(code: number): void {
    this.wsClosed.inc({ code: CLOSE_CODES.has(code) ? String(code) : OTHER });
  }

  /** An error frame was sent. */
  onError(code: string): void {
    this.errors.inc({ code: code in ERRORS ? code : OTHER });
  }

  /** A new message was durably committed and acknowledged `seconds` after its send arrived. */
  sent(seconds: number): void {
    this.sendLatency.observe(seconds);
    this.messagesSent.inc();
  }

  /** What one push attempt through `provider` came to. */
  pushed(provider: string, result: { outcome: 'sent'; ms: number } | { outcome: 'gone' } | { outcome: 'retry' | 'rejected' | 'dead' }): void {
    const labels = { provider: PUSH_PROVIDERS.has(provider) ? provider : OTHER };
    if (result.outcome === 'sent') {
      this.pushSent.inc(labels);
      this.pushLatency.observe(labels, result.ms / 1000);
    } else if (result.outcome === 'gone') this.pushPruned.inc(labels);
    else this.pushFailed.inc({ ...labels, reason: result.outcome });
  }

  /** `count` recipient sockets were handed one event. */
  deliveredTo(count: number): void {
    if (count > 0) this.deliveryFanout.inc(count);
  }

  /** One HTTP request finished. `route` is an operation id or one of FIXED_ROUTE_LABELS; others count as `other`. */
  httpRequest(route: string, status: number, seconds: number): void {
    const r = ROUTE_LABELS.has(route) ? route : OTHER;
    this.httpRequests.inc({ route: r, status: String(status) });
    this.httpDuration.observe({ route: r }, seconds);
  }

  /** A problem with a protocol code was sent to a REST client. */
  error(code: ErrorCode): void {
    this.onError(code);
  }
}

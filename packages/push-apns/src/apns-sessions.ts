import { connect, constants, type ClientHttp2Session, type OutgoingHttpHeaders } from 'node:http2';

export interface ApnsResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP/2 session per APNs origin, as Apple asks (many requests over one long-lived
 * connection). A session that closed, failed or got a GOAWAY is forgotten; the next request opens
 * a new one. Sessions are unref'd: an idle connection does not keep the process alive.
 */
export class Http2Sessions {
  private readonly sessions = new Map<string, ClientHttp2Session>();
  private closed = false;

  /** POSTs `body` with `headers` to `origin`; rejects on network failure or after `timeoutMs` without activity. */
  request(origin: string, headers: OutgoingHttpHeaders, body: string, timeoutMs: number): Promise<ApnsResponse> {
    if (this.closed) return Promise.reject(new Error('the APNs provider is closed'));
    return new Promise((resolve, reject) => {
      const stream = this.session(origin).request({ ':method': 'POST', ...headers });
      let response: ApnsResponse['headers'] | undefined;
      const chunks: Buffer[] = [];
      stream.setTimeout(timeoutMs, () => {
        reject(new Error('timed out'));
        stream.close(constants.NGHTTP2_CANCEL);
      });
      stream.on('response', (h) => (response = h));
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (response) resolve({ status: Number(response[':status']), headers: response, body: Buffer.concat(chunks).toString() });
      });
      stream.on('error', reject);
      // A stream closed without an answer: its session failed (connection refused, reset) or it was cancelled.
      stream.on('close', () => reject(new Error(`stream closed without an answer (code ${stream.rstCode})`)));
      stream.end(body);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const open = [...this.sessions.values()].filter((s) => !s.closed && !s.destroyed);
    this.sessions.clear();
    await Promise.all(open.map((s) => new Promise<void>((resolve) => s.close(resolve))));
  }

  private session(origin: string): ClientHttp2Session {
    const existing = this.sessions.get(origin);
    if (existing && !existing.closed && !existing.destroyed) return existing;
    const session = connect(origin);
    session.unref();
    const forget = () => {
      if (this.sessions.get(origin) === session) this.sessions.delete(origin);
    };
    // Its streams get the error too; this listener only keeps it from being thrown as unhandled.
    session.on('error', forget);
    session.on('goaway', forget);
    session.on('close', forget);
    this.sessions.set(origin, session);
    return session;
  }
}

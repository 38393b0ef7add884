import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type OutgoingHttpHeaders } from 'node:http2';

/** The server did not act on the request (refused stream, a connection going away): it may be sent again at once. */
export class UnprocessedError extends Error {
  override readonly name = 'UnprocessedError';
}

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

  /**
   * POSTs `body` with `headers` to `origin`; rejects on network failure or after `timeoutMs`
   * without activity, with an UnprocessedError when the server provably did not act on it.
   */
  request(origin: string, headers: OutgoingHttpHeaders, body: string, timeoutMs: number): Promise<ApnsResponse> {
    if (this.closed) return Promise.reject(new Error('the APNs provider is closed'));
    return new Promise((resolve, reject) => {
      let stream: ClientHttp2Stream;
      const session = this.session(origin);
      try {
        stream = session.request({ ':method': 'POST', ...headers });
      } catch (err) {
        // The session got a GOAWAY or closed between the check and the request.
        const code = (err as { code?: string }).code ?? '';
        reject(code === 'ERR_HTTP2_GOAWAY_SESSION' || code === 'ERR_HTTP2_INVALID_SESSION' ? new UnprocessedError(code) : (err as Error));
        return;
      }
      let response: ApnsResponse['headers'] | undefined;
      const chunks: Buffer[] = [];
      const fail = (err: Error) => {
        if (stream.rstCode === constants.NGHTTP2_REFUSED_STREAM) return reject(new UnprocessedError('REFUSED_STREAM'));
        // The session used up its 2^30 stream ids (a billion pushes on one connection): a new one takes it.
        if ((err as { code?: string }).code !== 'ERR_HTTP2_OUT_OF_STREAMS') return reject(err);
        this.retire(origin, session);
        reject(new UnprocessedError('ERR_HTTP2_OUT_OF_STREAMS'));
      };
      stream.setTimeout(timeoutMs, () => {
        reject(new Error('timed out'));
        stream.close(constants.NGHTTP2_CANCEL);
      });
      stream.on('response', (h) => (response = h));
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (response) resolve({ status: Number(response[':status']), headers: response, body: Buffer.concat(chunks).toString() });
      });
      stream.on('error', fail);
      // A stream closed without an answer: its session failed (connection refused, reset) or it was cancelled.
      stream.on('close', () => fail(new Error(`stream closed without an answer (code ${stream.rstCode})`)));
      stream.end(body);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const open = [...this.sessions.values()].filter((s) => !s.closed && !s.destroyed);
    this.sessions.clear();
    await Promise.all(open.map((s) => new Promise<void>((resolve) => s.close(resolve))));
  }

  /** Stops handing out `session` (it closes once its streams are done). */
  private retire(origin: string, session: ClientHttp2Session): void {
    if (this.sessions.get(origin) === session) this.sessions.delete(origin);
    session.close();
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

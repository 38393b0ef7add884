// A small XMPP client for load: raw TCP (node:net), no TLS, SASL PLAIN, resource binding,
// in-band registration (XEP-0077). Handshake steps are awaited one element at a time; once
// logged in, every element goes straight to `onElement`, and outgoing stanzas written in the
// same event-loop turn leave in one socket write.
import net from 'node:net';
import { XmlFramer } from './xml-framer.js';

export interface XmppTarget {
  host: string;
  port: number;
  domain: string;
}

interface Element {
  name: string;
  raw: string;
}

const STEP_TIMEOUT_MS = 60_000;
const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';

export class XmppConnection {
  /** Receives every element once the connection is logged in (and the handshake no longer waits). */
  onElement: ((name: string, raw: string) => void) | null = null;
  /** The last stream features the server sent. */
  features = '';
  private readonly framer: XmlFramer;
  private readonly backlog: Element[] = [];
  private waiter: { resolve: (el: Element) => void; reject: (err: Error) => void } | null = null;
  private failure: Error | null = null;
  private out = '';
  private flushQueued = false;
  private closing = false;

  private constructor(
    private readonly socket: net.Socket,
    private readonly target: XmppTarget,
  ) {
    this.framer = new XmlFramer({
      streamOpen: () => {},
      element: (name, raw) => this.deliver({ name, raw }),
      streamClose: () => this.fail(new Error('xmpp: the server closed the stream')),
    });
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => this.framer.push(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('xmpp: connection closed')));
  }

  /** Connects and opens the stream; resolves with the stream features read. */
  static async open(target: XmppTarget): Promise<XmppConnection> {
    const socket = net.connect({ host: target.host, port: target.port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const conn = new XmppConnection(socket, target);
    await conn.openStream();
    return conn;
  }

  /** XEP-0077 in-band registration, on a stream that is not logged in. */
  async register(user: string, password: string): Promise<void> {
    this.write(
      `<iq type='set' id='reg'><query xmlns='jabber:iq:register'><username>${user}</username>` +
        `<password>${password}</password></query></iq>`,
    );
    const reply = await this.next();
    if (reply.name !== 'iq' || !/type=['"]result['"]/.test(reply.raw)) {
      throw new Error(`xmpp: registering ${user} failed: ${reply.raw.slice(0, 300)}`);
    }
  }

  /** SASL PLAIN, stream restart, resource binding, and a session when the server requires one. */
  async login(user: string, password: string, resource: string): Promise<void> {
    if (!this.features.includes('<mechanism>PLAIN</mechanism>')) {
      throw new Error(`xmpp: the server offers no SASL PLAIN: ${this.features.slice(0, 300)}`);
    }
    const token = Buffer.from(`\0${user}\0${password}`).toString('base64');
    this.write(`<auth xmlns='${NS_SASL}' mechanism='PLAIN'>${token}</auth>`);
    const auth = await this.next();
    if (auth.name !== 'success') throw new Error(`xmpp: login of ${user} failed: ${auth.raw.slice(0, 300)}`);
    this.framer.reset();
    await this.openStream();
    this.write(
      `<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>${resource}</resource></bind></iq>`,
    );
    await this.expectResult('bind');
    const session = /<session xmlns=['"]urn:ietf:params:xml:ns:xmpp-session['"]\s*(\/>|>(.*?)<\/session>)/.exec(this.features);
    if (session && !session[0].includes('optional')) {
      this.write(`<iq type='set' id='sess'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>`);
      await this.expectResult('session');
    }
  }

  /** An IQ round trip to the server (disco#info); any reply counts. Sent after what is queued. */
  async ping(domain: string): Promise<void> {
    this.send(`<iq type='get' id='ping' to='${domain}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`);
    for (;;) {
      const el = await this.next();
      if (el.name === 'iq' && /id=['"]ping['"]/.test(el.raw)) return;
    }
  }

  /** Queues a stanza; everything queued in one event-loop turn is written at once. */
  send(raw: string): void {
    this.out += raw;
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => {
        this.flushQueued = false;
        const data = this.out;
        this.out = '';
        if (!this.closing && data) this.socket.write(data);
      });
    }
  }

  /** Closes the stream and the socket (without waiting for the server's closing tag). */
  close(): Promise<void> {
    if (this.closing) return Promise.resolve();
    this.closing = true;
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end('</stream:stream>');
      setTimeout(() => this.socket.destroy(), 2_000).unref();
    });
  }

  private write(raw: string): void {
    this.socket.write(raw);
  }

  private async openStream(): Promise<void> {
    this.write(
      `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' ` +
        `to='${this.target.domain}' version='1.0'>`,
    );
    const features = await this.next();
    if (features.name !== 'stream:features') {
      throw new Error(`xmpp: expected stream features, got ${features.raw.slice(0, 300)}`);
    }
    this.features = features.raw;
  }

  private async expectResult(what: string): Promise<void> {
    const reply = await this.next();
    if (reply.name !== 'iq' || !/type=['"]result['"]/.test(reply.raw)) {
      throw new Error(`xmpp: ${what} failed: ${reply.raw.slice(0, 300)}`);
    }
  }

  private next(): Promise<Element> {
    const queued = this.backlog.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error('xmpp: no answer from the server in time'));
      }, STEP_TIMEOUT_MS);
      this.waiter = {
        resolve: (el) => {
          clearTimeout(timer);
          resolve(el);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
    });
  }

  private deliver(el: Element): void {
    if (el.name === 'stream:error') {
      this.fail(new Error(`xmpp: stream error: ${el.raw.slice(0, 300)}`));
      return;
    }
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = null;
      waiter.resolve(el);
    } else if (this.onElement) this.onElement(el.name, el.raw);
    else this.backlog.push(el);
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(err);
    if (!this.closing) this.onFailure?.(err);
    this.socket.destroy();
  }

  /** Called once if the connection breaks while it is not being closed by us. */
  onFailure: ((err: Error) => void) | null = null;
}

/** Runs `fn` over the items with at most `concurrency` at a time; the first failure rejects. */
export async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

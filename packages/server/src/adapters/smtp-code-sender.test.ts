import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { SmtpCodeSender } from './smtp-code-sender.js';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP peer on an ephemeral port; recipients at reject.example are refused at RCPT. */
async function startPeer(options: { auth?: { user: string; pass: string } } = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.auth?.user && auth.password === options.auth?.pass) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      if (address.address.endsWith('@reject.example')) {
        const err = Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 });
        callback(err);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        received.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { port, received, close };
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const now = Date.UTC(2030, 0, 1);
const clock = { now: () => now };

describe('SmtpCodeSender against a real SMTP peer', () => {
  it('delivers the code to the recipient from the configured address', async () => {
    const peer = await startPeer();
    cleanup.push(peer.close);
    const sender = new SmtpCodeSender({ host: '127.0.0.1', port: peer.port, secure: false, ignoreTLS: true, from: 'ottr <no-reply@ottr.test>', clock });
    cleanup.push(() => sender.close());

    await sender.send({ channel: 'email', to: 'alice@example.com', code: '482913', expiresAt: now + 10 * 60_000 });

    expect(peer.received).toHaveLength(1);
    const [mail] = peer.received;
    expect(mail?.to).toEqual(['alice@example.com']);
    expect(mail?.from).toBe('no-reply@ottr.test');
    expect(mail?.raw).toMatch(/^From: ottr <no-reply@ottr\.test>\r?$/m);
    expect(mail?.raw).toMatch(/^To: alice@example\.com\r?$/m);
    expect(mail?.raw).toMatch(/^Subject: Your ottr sign-in code\r?$/m);
    expect(mail?.raw).toContain('482913');
    expect(mail?.raw).toContain('10 minutes');
    expect(mail?.raw).toMatch(/Content-Type: text\/plain/);
    expect(mail?.raw).toMatch(/Content-Type: text\/html/);
  });

  it('authenticates with a url carrying credentials', async () => {
    const peer = await startPeer({ auth: { user: 'mailer', pass: 's3cret' } });
    cleanup.push(peer.close);
    const sender = new SmtpCodeSender({ url: `smtp://mailer:s3cret@127.0.0.1:${peer.port}`, ignoreTLS: true, from: 'no-reply@ottr.test', clock });
    cleanup.push(() => sender.close());
    await sender.send({ channel: 'email', to: 'bob@example.com', code: '555001', expiresAt: now + 60_000 });
    expect(peer.received.map((m) => m.to)).toEqual([['bob@example.com']]);
  });

  it('turns a rejected recipient into code_delivery_failed', async () => {
    const peer = await startPeer();
    cleanup.push(peer.close);
    const sender = new SmtpCodeSender({ host: '127.0.0.1', port: peer.port, ignoreTLS: true, from: 'no-reply@ottr.test', clock });
    cleanup.push(() => sender.close());
    await expect(sender.send({ channel: 'email', to: 'nobody@reject.example', code: '123456', expiresAt: now + 60_000 })).rejects.toMatchObject({
      name: 'AppError',
      code: 'code_delivery_failed',
      retryable: true,
    });
    expect(peer.received).toHaveLength(0);
  });

  it('turns an unreachable server into code_delivery_failed', async () => {
    const peer = await startPeer();
    await peer.close(); // the port is now closed
    const sender = new SmtpCodeSender({ host: '127.0.0.1', port: peer.port, ignoreTLS: true, from: 'no-reply@ottr.test', timeoutMs: 2000, clock });
    cleanup.push(() => sender.close());
    await expect(sender.send({ channel: 'email', to: 'alice@example.com', code: '123456', expiresAt: now + 60_000 })).rejects.toMatchObject({
      code: 'code_delivery_failed',
    });
  });

  it('refuses sms codes with a typed error', async () => {
    const sender = new SmtpCodeSender({ host: '127.0.0.1', port: 1, from: 'no-reply@ottr.test', clock });
    cleanup.push(() => sender.close());
    await expect(sender.send({ channel: 'sms', to: '+12133734253', code: '123456', expiresAt: now })).rejects.toMatchObject({
      code: 'code_delivery_failed',
    });
  });
});

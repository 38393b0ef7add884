import { describe, expect, it } from 'vitest';
import type { CodeSender, OutgoingCode } from '../ports/index.js';
import { RoutingCodeSender } from './routing-code-sender.js';

/** A CodeSender that keeps what it was given (an outbox in memory). */
function outbox() {
  const sent: OutgoingCode[] = [];
  let closed = 0;
  const sender: CodeSender = {
    send: async (m) => void sent.push(m),
    close: async () => void closed++,
  };
  return { sender, sent, closed: () => closed };
}

describe('RoutingCodeSender', () => {
  it('sends sms codes to one sender and email codes to the other', async () => {
    const sms = outbox();
    const email = outbox();
    const router = new RoutingCodeSender({ sms: sms.sender, email: email.sender });
    await router.send({ channel: 'sms', to: '+12133734253', code: '111111', expiresAt: 1 });
    await router.send({ channel: 'email', to: 'a@example.com', code: '222222', expiresAt: 1 });
    expect(sms.sent.map((m) => m.code)).toEqual(['111111']);
    expect(email.sent.map((m) => m.code)).toEqual(['222222']);
  });

  it('closes each distinct sender once', async () => {
    const one = outbox();
    const router = new RoutingCodeSender({ sms: one.sender, email: one.sender });
    await router.close();
    expect(one.closed()).toBe(1);
  });

  it('says which channels only reach the dev outbox', () => {
    const dev: CodeSender = { send: async () => undefined, devOutbox: () => true };
    const router = new RoutingCodeSender({ sms: dev, email: outbox().sender });
    expect(router.devOutbox('sms')).toBe(true);
    expect(router.devOutbox('email')).toBe(false);
  });

  it('passes delivery failures through', async () => {
    const failing: CodeSender = { send: () => Promise.reject(new Error('down')) };
    const router = new RoutingCodeSender({ sms: failing, email: outbox().sender });
    await expect(router.send({ channel: 'sms', to: '+12133734253', code: '1', expiresAt: 1 })).rejects.toThrow('down');
  });
});

import type { CodeChannel, CodeSender, OutgoingCode } from '../ports/index.js';

/**
 * Sends each code through the sender of its channel: e.g. the dev outbox for SMS (until an SMS
 * provider is configured) and SMTP for email. The same sender may serve both channels.
 */
export class RoutingCodeSender implements CodeSender {
  constructor(private readonly senders: Readonly<Record<CodeChannel, CodeSender>>) {}

  send(message: OutgoingCode): Promise<void> {
    return this.senders[message.channel].send(message);
  }

  devOutbox(channel: CodeChannel): boolean {
    return this.senders[channel].devOutbox?.(channel) ?? false;
  }

  /** Closes each distinct sender once. */
  async close(): Promise<void> {
    const distinct = new Set(Object.values(this.senders));
    await Promise.all([...distinct].map((s) => (s.close ? s.close() : Promise.resolve())));
  }
}

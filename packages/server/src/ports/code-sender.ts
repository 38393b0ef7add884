/** The channel a one-time code goes out on. */
export type CodeChannel = 'sms' | 'email';

export interface OutgoingCode {
  channel: CodeChannel;
  /** E.164 phone number or email address. */
  to: string;
  code: string;
  expiresAt: number;
}

/**
 * Sends one-time sign-in codes. Adapters: the development outbox (server log +
 * data/dev-outbox.log), SMTP (email), later SMS. Throws AppError `code_delivery_failed` when the
 * code could not be handed over.
 */
export interface CodeSender {
  send(message: OutgoingCode): Promise<void>;
  /**
   * True when codes of this channel never leave the machine (the development outbox): the
   * sign-in answer says so, so that whoever runs a fresh server knows where to find the code.
   * Absent: a real provider.
   */
  devOutbox?(channel: CodeChannel): boolean;
  close?(): Promise<void>;
}

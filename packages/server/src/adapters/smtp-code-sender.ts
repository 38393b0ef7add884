import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { Logger } from 'pino';
import { AppError } from '../errors/index.js';
import type { Clock, CodeSender, OutgoingCode } from '../ports/index.js';
import { systemClock } from './system-clock.js';
import { maskRecipient } from '../modules/auth/index.js';

export interface SmtpCodeSenderOptions {
  /** `smtp://user:pass@host:587` or `smtps://…:465`; other options override its parts. */
  url?: string;
  host?: string;
  port?: number;
  /** TLS from the start (port 465). False: plain, upgraded with STARTTLS when offered. */
  secure?: boolean;
  auth?: { user: string; pass: string };
  /** Never try STARTTLS (local test peers only). */
  ignoreTLS?: boolean;
  /** Sender address, e.g. `ottr <no-reply@example.com>`. */
  from: string;
  /** Product name used in the subject and body. Default `ottr`. */
  appName?: string;
  /** Give up on connecting / on a silent server after this long. Default 10 s. */
  timeoutMs?: number;
  logger?: Logger;
  clock?: Clock;
}

/**
 * Sends email-channel sign-in codes over SMTP (nodemailer). Any delivery failure (connection,
 * authentication, a rejected recipient) is `code_delivery_failed`; it cannot send SMS and says
 * so with the same code rather than dropping the message.
 */
export class SmtpCodeSender implements CodeSender {
  private readonly transporter: Transporter<SMTPTransport.SentMessageInfo>;
  private readonly from: string;
  private readonly appName: string;
  private readonly logger: Logger | undefined;
  private readonly clock: Clock;

  constructor(options: SmtpCodeSenderOptions) {
    const timeout = options.timeoutMs ?? 10_000;
    const transport: SMTPTransport.Options = { connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout };
    if (options.url !== undefined) transport.url = options.url;
    if (options.host !== undefined) transport.host = options.host;
    if (options.port !== undefined) transport.port = options.port;
    if (options.secure !== undefined) transport.secure = options.secure;
    if (options.auth !== undefined) transport.auth = options.auth;
    if (options.ignoreTLS !== undefined) transport.ignoreTLS = options.ignoreTLS;
    if (options.url === undefined && options.host === undefined) throw new Error('SmtpCodeSender: give url or host');
    this.transporter = nodemailer.createTransport(transport);
    this.from = options.from;
    this.appName = options.appName ?? 'ottr';
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
  }

  async send(message: OutgoingCode): Promise<void> {
    if (message.channel !== 'email') {
      throw new AppError('code_delivery_failed', `The SMTP sender cannot send ${message.channel} codes`);
    }
    const minutes = Math.max(1, Math.round((message.expiresAt - this.clock.now()) / 60_000));
    const { code } = message;
    try {
      await this.transporter.sendMail({
        from: this.from,
        to: message.to,
        subject: `Your ${this.appName} sign-in code`,
        text: `Your ${this.appName} sign-in code is ${code}\n\nIt expires in ${minutes} minutes. If you did not ask for it, ignore this email.\n`,
        html: htmlBody(this.appName, code, minutes),
      });
    } catch (err) {
      // Log the error kind and SMTP status only: never the message (the code) nor the full address.
      const { code: errorCode, responseCode } = (err ?? {}) as { code?: unknown; responseCode?: unknown };
      this.logger?.warn({ to: maskRecipient(message.to), errorCode, responseCode }, 'code email not delivered');
      throw new AppError('code_delivery_failed', 'The email with the code could not be delivered', { cause: err });
    }
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}

function htmlBody(appName: string, code: string, minutes: number): string {
  const name = escapeHtml(appName);
  return [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<p>Your ${name} sign-in code is</p>`,
    `<p style="font-size:28px;font-weight:bold;letter-spacing:4px">${code}</p>`,
    `<p>It expires in ${minutes} minutes. If you did not ask for it, ignore this email.</p>`,
    '</body></html>',
  ].join('\n');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

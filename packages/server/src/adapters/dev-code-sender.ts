import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Clock, CodeSender, OutgoingCode } from '../ports/index.js';
import { AppError } from '../errors/index.js';
import { maskRecipient } from '../modules/auth/index.js';
import { systemClock } from './system-clock.js';

export interface DevCodeSenderOptions {
  logger: Logger;
  /** The outbox file is `<dataDir>/dev-outbox.log`; the directory is created when missing. */
  dataDir: string;
  clock?: Clock;
}

export const DEV_OUTBOX_FILE = 'dev-outbox.log';

/**
 * The development CodeSender: nothing leaves the machine. Each code is logged at info level
 * (`code sent`, with the channel, a masked recipient and the code as `devCode`) and appended as
 * `<ISO time>\t<channel>\t<to>\t<code>` to `<dataDir>/dev-outbox.log`.
 *
 * SECURITY: this is the dev outbox — the ONLY place in ottr where a sign-in code may be written
 * to a log. Every other component logs identifiers masked and never logs codes. Do not use this
 * sender in production: whoever reads the log can sign in as anyone.
 */
export class DevCodeSender implements CodeSender {
  readonly file: string;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private ready: Promise<unknown> | undefined;

  constructor(options: DevCodeSenderOptions) {
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.file = path.join(options.dataDir, DEV_OUTBOX_FILE);
  }

  devOutbox(): boolean {
    return true;
  }

  async send(message: OutgoingCode): Promise<void> {
    // The dev outbox: the one log line allowed to carry a code (see the class comment). The field
    // is `devCode`, not `code`: the server's log redaction censors 6–8 digit `code` fields.
    this.logger.info({ channel: message.channel, to: maskRecipient(message.to), devCode: message.code, outbox: this.file }, 'code sent');
    const at = new Date(this.clock.now()).toISOString();
    try {
      this.ready ??= mkdir(path.dirname(this.file), { recursive: true });
      await this.ready;
      await appendFile(this.file, `${at}\t${message.channel}\t${message.to}\t${message.code}\n`, 'utf8');
    } catch (err) {
      this.ready = undefined;
      throw new AppError('code_delivery_failed', `Could not write the dev outbox ${this.file}`, { cause: err });
    }
  }
}

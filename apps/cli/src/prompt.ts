import { createInterface, type Interface } from 'node:readline';

/**
 * Asks questions on stderr and reads the answers, one line each, from stdin — a terminal or a
 * pipe alike (so scripts and tests can answer: `printf 'ada@example.com\n123456\n' | ottr login`).
 */
export class Prompter {
  private rl?: Interface;
  private lines?: AsyncIterator<string>;

  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly write: (text: string) => void,
  ) {}

  /** The trimmed answer, or undefined when stdin has ended. */
  async ask(question: string): Promise<string | undefined> {
    this.write(question);
    if (!this.lines) {
      this.rl = createInterface({ input: this.input, terminal: false, crlfDelay: Infinity });
      this.lines = this.rl[Symbol.asyncIterator]();
    }
    const next = await this.lines.next();
    if (next.done) {
      this.write('\n');
      return undefined;
    }
    return next.value.trim();
  }

  /**
   * Like `ask`, without echoing what is typed when stdin is a terminal (tokens, passwords).
   * Ctrl-C while typing exits with 130.
   */
  async askSecret(question: string): Promise<string | undefined> {
    const tty = this.input as NodeJS.ReadStream;
    if (!tty.isTTY || typeof tty.setRawMode !== 'function' || this.lines) return this.ask(question);
    this.write(question);
    tty.setRawMode(true);
    tty.setEncoding('utf8');
    tty.resume();
    try {
      return await new Promise<string | undefined>((resolve) => {
        let value = '';
        const onData = (chunk: string) => {
          for (const ch of chunk) {
            if (ch === '\r' || ch === '\n') {
              tty.off('data', onData);
              resolve(value.trim());
              return;
            }
            if (ch === '\u0003') {
              this.write('\n');
              process.exit(130);
            }
            if (ch === '\u0004') {
              tty.off('data', onData);
              resolve(value === '' ? undefined : value.trim());
              return;
            }
            if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
            else value += ch;
          }
        };
        tty.on('data', onData);
      });
    } finally {
      tty.setRawMode(false);
      tty.pause();
      this.write('\n');
    }
  }

  close(): void {
    this.rl?.close();
  }
}

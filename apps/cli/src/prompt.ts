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

  close(): void {
    this.rl?.close();
  }
}

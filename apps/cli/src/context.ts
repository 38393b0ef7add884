import { parse, type Globals, type Parsed } from './args.js';
import { CliError } from './errors.js';
import type { Io } from './io.js';
import { style, type Style } from './output/text.js';
import { Progress, type CountFormat } from './output/progress.js';
import { configDir, ProfileStore } from './profile/store.js';
import { Prompter } from './prompt.js';

export const DEFAULT_SERVER = 'http://localhost:8080';

/** `--help` was given: main prints `usage` on stdout and exits 0. */
export class HelpRequested extends Error {
  constructor(readonly usage: string) {
    super('help');
  }
}

/** Everything a command needs besides its own arguments. */
export class Ctx {
  readonly env: Record<string, string | undefined>;
  /** Styles for stdout and stderr (plain unless that stream is a TTY and NO_COLOR is unset). */
  readonly out: Style;
  readonly err: Style;
  readonly store: ProfileStore;
  readonly json: boolean;
  private prompter?: Prompter;

  constructor(
    readonly io: Io,
    readonly globals: Globals,
    /** `ottr send` etc.: prefixes error messages. */
    readonly command: string,
  ) {
    this.env = io.env ?? process.env;
    this.out = style(io.stdoutIsTTY ?? process.stdout.isTTY === true, this.env);
    this.err = style(io.stderrIsTTY ?? process.stderr.isTTY === true, this.env);
    this.store = new ProfileStore(configDir(this.env), globals.profile ?? this.env.OTTR_PROFILE ?? 'default');
    this.json = globals.json === true;
  }

  get profileName(): string {
    return this.store.name;
  }

  /** Prints to stdout. */
  print(text: string): void {
    this.io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Prints one value as one line of JSON on stdout. */
  printJson(value: unknown): void {
    this.io.stdout(`${JSON.stringify(value)}\n`);
  }

  /** A note for the user on stderr (progress, state changes, what just happened). */
  note(text: string): void {
    this.io.stderr(text.endsWith('\n') ? text : `${text}\n`);
  }

  /**
   * Progress on stderr: a bar on a terminal (not with --json); with `lines`, a `label 25%` line
   * per quarter when stderr is not a terminal (logs of long transfers).
   */
  progress(label: string, total?: number, opts: { lines?: boolean; format?: CountFormat } = {}): Progress {
    const tty = this.io.stderrIsTTY ?? process.stderr.isTTY === true;
    const mode = this.json ? 'off' : tty ? 'bar' : opts.lines ? 'lines' : 'off';
    return new Progress(this.io.stderr, mode, label, total, opts.format);
  }

  get stdinIsTTY(): boolean {
    return this.io.stdinIsTTY ?? process.stdin.isTTY === true;
  }

  /** Asks on stderr, reads a line from stdin. */
  ask(question: string): Promise<string | undefined> {
    this.prompter ??= new Prompter(this.io.stdin ?? process.stdin, this.io.stderr);
    return this.prompter.ask(question);
  }

  /** Asks for a secret: not echoed on a terminal. */
  askSecret(question: string): Promise<string | undefined> {
    this.prompter ??= new Prompter(this.io.stdin ?? process.stdin, this.io.stderr);
    return this.prompter.askSecret(question);
  }

  /** Aborted by Ctrl-C / SIGTERM. */
  get signal(): AbortSignal {
    return this.io.signal ?? processSignal();
  }

  /** The server URL: --server, OTTR_SERVER, the profile's, else http://localhost:8080 (no trailing slash). */
  serverUrl(profileServer: string | undefined): string {
    const raw = this.globals.server ?? this.env.OTTR_SERVER ?? profileServer ?? DEFAULT_SERVER;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new CliError(`'${raw}' is not a URL`, { code: 'usage', exitCode: 2, hint: 'pass --server http://host:port' });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new CliError(`--server must be an http(s) URL, got '${raw}'`, { code: 'usage', exitCode: 2 });
    }
    return url.href.replace(/\/+$/, '');
  }

  close(): void {
    this.prompter?.close();
  }
}

let shared: AbortController | undefined;
/** One AbortSignal for the process, aborted on the first SIGINT or SIGTERM. */
function processSignal(): AbortSignal {
  if (!shared) {
    const controller = new AbortController();
    shared = controller;
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  return shared.signal;
}

/** Base state handed from main to a command: the I/O and the global options given before it. */
export interface Base {
  io: Io;
  globals: Globals;
}

/**
 * Parses a command's arguments (throwing UsageError or HelpRequested) and builds its context.
 */
export function setup(
  base: Base,
  command: string,
  argv: string[],
  options: Parameters<typeof parse>[1],
  usage: string,
): Parsed & { ctx: Ctx } {
  const parsed = parse(argv, options, usage, base.globals);
  if (parsed.globals.help) throw new HelpRequested(usage);
  return { ...parsed, ctx: new Ctx(base.io, parsed.globals, command) };
}

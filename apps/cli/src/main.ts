import { readFileSync } from 'node:fs';
import { splitLeadingGlobals, GLOBAL_HELP } from './args.js';
import { HelpRequested, type Base } from './context.js';
import { CliError, EXIT, UsageError } from './errors.js';
import { defaultIo, type Io } from './io.js';

export type { Io } from './io.js';
export { SERVE_USAGE } from './commands/serve.js';

export const USAGE = `Usage: ottr <command> [options]

Commands:
  serve                     Run an ottr server node (configured by OTTR_* environment variables; flags win)
  login                     Sign in with a phone number or email and a one-time code
  logout                    Sign this device out and forget its session
  whoami                    Show who this profile is signed in as
  chats                     List your conversations
  send <to> <text…>         Send a message to a conversation, +phone or email (--file, --location, --contact, --sticker)
  download <msg_…|med_…>    Save the file of a media message
  stickers [create|add]     Your sticker packs
  history <conversation>    Show a conversation's messages
  tail [<conversation>]     Stream messages, receipts and typing live until Ctrl-C
  group create|add|remove   Create groups and manage their members
  admin login|accounts      Server administration (accounts list/create/suspend/unsuspend/delete, export, import)

${GLOBAL_HELP}
  -v, --version    Print the version

Run \`ottr <command> --help\` for a command's options. Documentation: docs/cli.md.
`;

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

type Runner = (argv: string[], base: Base) => Promise<number | null>;

/** Each command's module, loaded only when that command runs (help and serve stay light). */
const COMMANDS: Record<string, () => Promise<Runner>> = {
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  login: async () => (await import('./commands/auth.js')).loginCommand,
  logout: async () => (await import('./commands/auth.js')).logoutCommand,
  whoami: async () => (await import('./commands/auth.js')).whoamiCommand,
  chats: async () => (await import('./commands/chats.js')).chatsCommand,
  send: async () => (await import('./commands/send.js')).sendCommand,
  download: async () => (await import('./commands/download.js')).downloadCommand,
  stickers: async () => (await import('./commands/stickers.js')).stickersCommand,
  history: async () => (await import('./commands/history.js')).historyCommand,
  tail: async () => (await import('./commands/tail.js')).tailCommand,
  group: async () => (await import('./commands/group.js')).groupCommand,
  admin: async () => (await import('./commands/admin.js')).adminCommand,
};

/**
 * Runs `ottr` with `argv` (without node and the script). Resolves with the exit code, or null
 * when a long-running command (serve) now owns the process. Errors are reported here, once:
 * on stderr, as text (or one JSON line with --json), exit 1 for failures and 2 for usage errors.
 */
export async function main(argv: string[], io: Io = defaultIo): Promise<number | null> {
  let name = 'ottr';
  let json = argv.includes('--json');
  try {
    const { globals, rest } = splitLeadingGlobals(argv);
    const [command, ...args] = rest;
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      io.stdout(USAGE);
      return EXIT.ok;
    }
    if (command === '-v' || command === '--version') {
      io.stdout(`${version()}\n`);
      return EXIT.ok;
    }
    const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!load) throw new UsageError(`unknown command '${command}'`, USAGE);
    name = ['ottr', command, ...subcommandWords(command, args)].join(' ');
    json = globals.json === true || (command !== 'serve' && args.includes('--json'));
    return await (await load())(args, { io, globals });
  } catch (err) {
    return report(err, name, json, io);
  }
}

/** `group add`, `admin accounts list`: the words that name the subcommand (for error prefixes). */
function subcommandWords(command: string, args: string[]): string[] {
  const depth = command === 'group' || command === 'stickers' ? 1 : command === 'admin' ? (args[0] === 'accounts' ? 2 : 1) : 0;
  const words: string[] = [];
  for (const a of args.slice(0, depth)) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  return words;
}

function report(err: unknown, name: string, json: boolean, io: Io): number {
  if (err instanceof HelpRequested) {
    io.stdout(err.usage);
    return EXIT.ok;
  }
  if (err instanceof UsageError) {
    if (json) io.stderr(`${JSON.stringify({ error: { code: err.code, message: err.message } })}\n`);
    else io.stderr(`${name}: ${err.message}\n${err.usage ? `\n${err.usage}` : ''}`);
    return err.exitCode;
  }
  if (err instanceof CliError) {
    if (json) io.stderr(`${JSON.stringify({ error: { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) } })}\n`);
    else io.stderr(`${name}: ${err.message}${err.options.showCode ? ` [${err.code}]` : ''}${err.hint ? ` — ${err.hint}` : ''}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  if (json) io.stderr(`${JSON.stringify({ error: { code: 'internal', message: String(err) } })}\n`);
  else io.stderr(`${name}: unexpected error: ${message}\n`);
  return EXIT.failed;
}

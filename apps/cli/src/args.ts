import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command except `serve` accepts, anywhere on the line. */
export const GLOBAL_OPTIONS = {
  profile: { type: 'string' },
  server: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export const GLOBAL_HELP = `Global options:
  --profile NAME   Credentials and settings to use (default: default)
  --server URL     Server to talk to (default: the profile's, else http://localhost:8080)
  --json           Machine-readable output (see docs/cli.md)
  -h, --help       Show this help`;

export interface Globals {
  profile?: string;
  server?: string;
  json?: boolean;
  help?: boolean;
}

export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Parsed {
  values: Values;
  positionals: string[];
  globals: Globals;
}

/**
 * Parses a command's arguments (strict: unknown options are usage errors) together with the
 * global options. `globals` are those given before the command name; the ones after it win.
 */
export function parse(argv: string[], options: Options, usage: string, globals: Globals = {}): Parsed {
  let parsed: { values: Values; positionals: string[] };
  try {
    const result = parseArgs({ args: argv, options: { ...GLOBAL_OPTIONS, ...options }, strict: true, allowPositionals: true });
    parsed = { values: result.values, positionals: result.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''), usage);
  }
  const v = parsed.values;
  const merged: Globals = { ...globals };
  if (typeof v.profile === 'string') merged.profile = v.profile;
  if (typeof v.server === 'string') merged.server = v.server;
  if (v.json === true) merged.json = true;
  if (v.help === true) merged.help = true;
  return { values: v, positionals: parsed.positionals, globals: merged };
}

/** Splits leading global options (`ottr --profile bob chats`) from the command and its arguments. */
export function splitLeadingGlobals(argv: string[]): { globals: Globals; rest: string[] } {
  const globals: Globals = {};
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (flag === '--json') globals.json = true;
    else if (flag === '--profile' || flag === '--server') {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`Option '${flag} <value>' argument missing`);
      globals[flag === '--profile' ? 'profile' : 'server'] = value;
    } else break;
  }
  return { globals, rest: argv.slice(i) };
}

/** The string value of an option, if given. */
export function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A positive integer option (`--limit 20`). */
export function positiveInt(values: Values, name: string, usage: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  if (!/^[0-9]+$/.test(v) || Number(v) < 1 || Number(v) > max) {
    throw new UsageError(`--${name} must be an integer from 1 to ${max}, got '${v}'`, usage);
  }
  return Number(v);
}

/** Exactly `n` positionals (or at least `min`), else a usage error naming what is missing. */
export function expectPositionals(positionals: string[], names: string[], usage: string, opts: { rest?: boolean } = {}): string[] {
  if (positionals.length < names.length) {
    throw new UsageError(`missing ${names.slice(positionals.length).map((n) => `<${n}>`).join(' ')}`, usage);
  }
  if (!opts.rest && positionals.length > names.length) {
    throw new UsageError(`unexpected argument '${positionals[names.length]}'`, usage);
  }
  return positionals;
}

/** Exit codes of every `ottr` command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * A failure to report to the user: `message` says what went wrong, `hint` what to do about it.
 * `code` is the stable error code (from the server, or a CLI one such as `not_signed_in`); it is
 * printed and is the `error.code` of `--json` error output.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly options: { code?: string; hint?: string; exitCode?: number; showCode?: boolean } = {},
  ) {
    super(message);
    this.name = 'CliError';
  }
  get code(): string {
    return this.options.code ?? 'failed';
  }
  get exitCode(): number {
    return this.options.exitCode ?? EXIT.failed;
  }
  get hint(): string | undefined {
    return this.options.hint;
  }
}

/** The command line is wrong (exit 2); `usage` is the help of the command concerned. */
export class UsageError extends CliError {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message, { code: 'usage', exitCode: EXIT.usage });
    this.name = 'UsageError';
  }
}

export const notSignedIn = (profile: string): CliError =>
  new CliError(`not signed in${profile === 'default' ? '' : ` (profile '${profile}')`}`, {
    code: 'not_signed_in',
    hint: `run \`ottr login${profile === 'default' ? '' : ` --profile ${profile}`}\``,
  });

/** Where a command reads and writes: the real process by default, buffers in tests. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Lines typed in answer to prompts. Default: process.stdin. */
  stdin?: NodeJS.ReadableStream;
  /** Default: process.env. */
  env?: Record<string, string | undefined>;
  /** Default: process.stdout.isTTY / process.stderr.isTTY / process.stdin.isTTY. */
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  stdinIsTTY?: boolean;
  /** Aborted on Ctrl-C / SIGTERM (long-running commands such as tail stop). Default: process signals. */
  signal?: AbortSignal;
}

export const defaultIo: Io = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
};

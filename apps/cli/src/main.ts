import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: Io = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
};

export const USAGE = `Usage: ottr <command> [options]

Commands:
  serve     Run an ottr server node (configured by OTTR_* environment variables; flags win)

Options:
  -h, --help       Show this help (or a command's: ottr serve --help)
  -v, --version    Print the version
`;

export const SERVE_USAGE = `Usage: ottr serve [--port N] [--host H] [--data-dir D] [--node-id ID]

Runs one server node until SIGTERM or SIGINT, then closes gracefully.

Options:
  --port N         TCP port (0: any free port)        env PORT, default 8080
  --host H         Interface to listen on             env OTTR_HOST, default 127.0.0.1
  --data-dir D     Database, secret and dev outbox    env OTTR_DATA_DIR, default ./data
  --node-id ID     Name of this node in logs          env OTTR_NODE_ID, default: host name
  -h, --help       Show this help

Every other setting comes from the environment; see the Configuration section of README.md.
`;

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Exit code 2: the command line is wrong (as for a wrong configuration). */
const USAGE_ERROR = 2;

/**
 * Runs `ottr` with `argv` (without node and the script). Resolves with the exit code, or null
 * when a long-running command (serve) now owns the process.
 */
export async function main(argv: string[], io: Io = defaultIo): Promise<number | null> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (command === '-v' || command === '--version') {
    io.stdout(`${version()}\n`);
    return 0;
  }
  if (command === 'serve') return serveCommand(rest, io);
  io.stderr(`ottr: unknown command '${command}'\n\n${USAGE}`);
  return USAGE_ERROR;
}

async function serveCommand(argv: string[], io: Io): Promise<number | null> {
  let values: { port?: string; host?: string; 'data-dir'?: string; 'node-id'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'node-id': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    io.stderr(`ottr serve: ${(err as Error).message}\n\n${SERVE_USAGE}`);
    return USAGE_ERROR;
  }
  if (values.help) {
    io.stdout(SERVE_USAGE);
    return 0;
  }
  const config: { port?: number; host?: string; dataDir?: string; nodeId?: string } = {};
  if (values.port !== undefined) {
    if (!/^[0-9]{1,5}$/.test(values.port) || Number(values.port) > 65535) {
      io.stderr(`ottr serve: --port must be an integer from 0 to 65535, got '${values.port}'\n`);
      return USAGE_ERROR;
    }
    config.port = Number(values.port);
  }
  if (values.host !== undefined) config.host = values.host;
  if (values['data-dir'] !== undefined) config.dataDir = values['data-dir'];
  if (values['node-id'] !== undefined) config.nodeId = values['node-id'];
  // Loaded only here: --help and --version stay fast and never touch the server.
  const { serve } = await import('@ottr/server-app');
  await serve(process.env, { config });
  return null;
}

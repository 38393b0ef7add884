import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import { HelpRequested } from '../context.js';

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

/** `ottr serve`: resolves null — the server now owns the process and exits on its own. */
export async function serveCommand(argv: string[]): Promise<null> {
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
    throw new UsageError((err as Error).message, SERVE_USAGE);
  }
  if (values.help) throw new HelpRequested(SERVE_USAGE);
  const config: { port?: number; host?: string; dataDir?: string; nodeId?: string } = {};
  if (values.port !== undefined) {
    if (!/^[0-9]{1,5}$/.test(values.port) || Number(values.port) > 65535) {
      throw new UsageError(`--port must be an integer from 0 to 65535, got '${values.port}'`);
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

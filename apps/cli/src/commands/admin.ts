import { lstat, open, rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { isId, type AccountId, type AdminAccount, type Session } from '@ottr/protocol';
import { isOttrError, type OttrClient } from '@ottr/sdk/node';
import { GLOBAL_HELP, positiveInt, str, type Values } from '../args.js';
import { adminClient, explain } from '../client.js';
import { HelpRequested, setup, type Base, type Ctx } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { table } from '../output/table.js';
import { relativeTime } from '../output/time.js';

const TOKEN_HELP = `Admin options:
  --admin-token T  The server's admin token (else env OTTR_ADMIN_TOKEN, else the one stored
                   by \`ottr admin login\`). Prefer the environment or the profile: a token on
                   the command line shows in the process list.`;

export const ADMIN_USAGE = `Usage: ottr admin <command> …

  ottr admin login [--admin-token T]                          Check and store the admin token in the profile
  ottr admin logout                                           Forget the stored admin token
  ottr admin accounts list [--query Q] [--limit N] [--all]    Accounts, newest first
  ottr admin accounts create (--phone P | --email E) [--name N]
  ottr admin accounts session <account-id> [--device-name NAME]  Sign a new device in without a code
  ottr admin accounts suspend <account-id>
  ottr admin accounts unsuspend <account-id>
  ottr admin accounts delete <account-id> [--yes]
  ottr admin export [--data-dir D] [--out FILE]               Dump a stopped installation's store (JSON Lines)
  ottr admin import --in FILE                                 Load a dump into an empty store (OTTR_STORE, …)

These use the server's admin API (its OTTR_ADMIN_TOKEN), not your signed-in session;
export and import open the store directly, configured like \`ottr serve\`.

${TOKEN_HELP}

${GLOBAL_HELP}
`;

const TOKEN_OPTION = { 'admin-token': { type: 'string' } } as const;

/** Name of a device `ottr admin accounts session` signs in without --device-name. */
const DEFAULT_DEVICE_NAME = 'ottr admin';

export async function adminCommand(argv: string[], base: Base): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '-h' || sub === '--help') throw new HelpRequested(ADMIN_USAGE);
  if (sub === 'login') return login(rest, base);
  if (sub === 'logout') return logout(rest, base);
  if (sub === 'export') return exportStore(rest, base);
  if (sub === 'import') return importStore(rest, base);
  if (sub === 'accounts') {
    const [action, ...args] = rest;
    switch (action) {
      case 'list':
        return list(args, base);
      case 'create':
        return create(args, base);
      case 'session':
        return session(args, base);
      case 'suspend':
      case 'unsuspend':
        return suspend(action, args, base);
      case 'delete':
        return remove(args, base);
      case '-h':
      case '--help':
        throw new HelpRequested(ADMIN_USAGE);
      case undefined:
        throw new UsageError('missing accounts command (list, create, session, suspend, unsuspend or delete)', ADMIN_USAGE);
      default:
        throw new UsageError(`unknown accounts command '${action}'`, ADMIN_USAGE);
    }
  }
  if (sub === undefined) throw new UsageError('missing admin command (login, logout, accounts, export or import)', ADMIN_USAGE);
  throw new UsageError(`unknown admin command '${sub}'`, ADMIN_USAGE);
}

/** The admin token (flag, env, profile) and the server; throws with what to do when there is none. */
async function credentials(ctx: Ctx, values: Values): Promise<{ token: string; server: string }> {
  const profile = await ctx.store.load();
  const server = ctx.serverUrl(profile.server);
  const token = str(values, 'admin-token') ?? ctx.env.OTTR_ADMIN_TOKEN ?? profile.adminToken;
  if (!token) {
    throw new CliError('no admin token', {
      code: 'no_admin_token',
      hint: 'pass --admin-token, set OTTR_ADMIN_TOKEN, or store one with `ottr admin login`',
    });
  }
  return { token, server };
}

/** Admin failures in words: a refused token, an API that is off, an unknown account. */
function explainAdmin(err: unknown, ctx: Ctx, server: string, accountId?: string): Error {
  if (!isOttrError(err)) return explain(err, ctx, server);
  switch (err.code) {
    case 'unauthorized':
      return new CliError(`the server at ${server} refused the admin token`, { code: err.code, showCode: true, hint: "check it against the server's OTTR_ADMIN_TOKEN, then `ottr admin login`" });
    case 'forbidden':
      return new CliError(`the admin API of ${server} is off (${err.message})`, { code: err.code, showCode: true, hint: 'start the server with OTTR_ADMIN_TOKEN set (at least 32 characters)' });
    case 'route_not_found':
      return new CliError(`the server at ${server} has no admin API`, { code: err.code, showCode: true, hint: 'upgrade the server' });
    case 'not_found':
      return new CliError(`no account ${accountId ?? ''} (or it was deleted)`.replace('  ', ' '), { code: err.code, showCode: true, hint: 'find ids with `ottr admin accounts list`' });
    case 'account_suspended':
      return new CliError(`account ${accountId ?? ''} is suspended`.replace('  ', ' '), { code: err.code, showCode: true, hint: `lift it with \`ottr admin accounts unsuspend ${accountId ?? '<account-id>'}\`` });
    case 'conflict':
      return new CliError(`that identifier already belongs to an account (${err.message})`, { code: err.code, showCode: true, hint: 'find it with `ottr admin accounts list --query <phone|email>`' });
    case 'rate_limited':
      return new CliError(`too many failed admin authentications from this address${err.retryAfter ? `; locked out for ${err.retryAfter} s` : ''}`, { code: err.code, showCode: true });
    default:
      return explain(err, ctx, server);
  }
}

async function call<T>(ctx: Ctx, server: string, fn: () => Promise<T>, accountId?: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw explainAdmin(err, ctx, server, accountId);
  }
}

function accountId(arg: string | undefined, usage: string): AccountId {
  if (arg === undefined) throw new UsageError('missing <account-id>', usage);
  if (!isId('account', arg)) throw new UsageError(`'${arg}' is not an account id (acc_…)`, usage);
  return arg as AccountId;
}

const LOGIN_USAGE = `Usage: ottr admin login [--admin-token T]

Checks the admin token against the server and stores it in the profile (file mode 0600).
Without --admin-token (or OTTR_ADMIN_TOKEN) it is asked for on the terminal.

${GLOBAL_HELP}
`;

async function login(argv: string[], base: Base): Promise<number> {
  const { values, positionals, ctx } = setup(base, 'admin login', argv, TOKEN_OPTION, LOGIN_USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`, LOGIN_USAGE);
  try {
    const profile = await ctx.store.load();
    const server = ctx.serverUrl(profile.server);
    if (profile.session && profile.server && profile.server !== server) {
      throw new CliError(`profile '${ctx.profileName}' is signed in to ${profile.server}, not ${server}`, { code: 'wrong_server', hint: 'use another --profile for this server' });
    }
    const token = str(values, 'admin-token') ?? ctx.env.OTTR_ADMIN_TOKEN ?? (await ctx.askSecret('Admin token: '));
    if (!token) throw new UsageError('no admin token given', LOGIN_USAGE);
    const client = adminClient(server, token);
    await call(ctx, server, () => client.admin.adminListAccounts({ query: { limit: 1 } }));
    await ctx.store.update((p) => ({ ...p, server, adminToken: token }));
    if (ctx.json) ctx.printJson({ profile: ctx.profileName, server, stored: true });
    else ctx.print(`Admin token for ${server} stored in profile ${ctx.profileName}.`);
    return 0;
  } finally {
    ctx.close();
  }
}

async function logout(argv: string[], base: Base): Promise<number> {
  const { positionals, ctx } = setup(base, 'admin logout', argv, {}, ADMIN_USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`, ADMIN_USAGE);
  const had = (await ctx.store.load()).adminToken !== undefined;
  if (had) await ctx.store.update((p) => {
    delete p.adminToken;
  });
  if (ctx.json) ctx.printJson({ profile: ctx.profileName, removed: had });
  else ctx.print(had ? `Admin token removed from profile ${ctx.profileName}.` : 'No admin token was stored.');
  return 0;
}

const LIST_USAGE = `Usage: ottr admin accounts list [--query Q] [--limit N] [--all]

Accounts, newest first, deleted ones included.

Options:
  --query Q        Only the account with this exact id, phone number or email
  --limit N        At most N accounts (default 50)
  --all            Every account (pages through all of them)

${TOKEN_HELP}

${GLOBAL_HELP}
`;

async function list(argv: string[], base: Base): Promise<number> {
  const { values, positionals, ctx } = setup(base, 'admin accounts list', argv, { ...TOKEN_OPTION, query: { type: 'string' }, limit: { type: 'string' }, all: { type: 'boolean' } }, LIST_USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`, LIST_USAGE);
  const limitArg = positiveInt(values, 'limit', LIST_USAGE, 1_000_000);
  if (values.all && limitArg !== undefined) throw new UsageError('--all and --limit do not go together', LIST_USAGE);
  const limit = values.all ? Infinity : (limitArg ?? 50);
  const q = str(values, 'query');
  const { token, server } = await credentials(ctx, values);
  const client = adminClient(server, token);
  const items: AdminAccount[] = [];
  let cursor: string | undefined;
  let next: string | null = null;
  const progress = ctx.progress('accounts');
  try {
    do {
      const page = await call(ctx, server, () =>
        client.admin.adminListAccounts({ query: { limit: Math.min(100, limit - items.length), ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) } }),
      );
      items.push(...page.items);
      next = page.next;
      cursor = page.next ?? undefined;
      progress.update(items.length);
    } while (cursor && items.length < limit);
  } finally {
    progress.done();
  }
  if (ctx.json) {
    ctx.printJson({ items, next });
    return 0;
  }
  if (items.length === 0) {
    ctx.print(q ? `No account matches ${q}.` : 'No accounts.');
    return 0;
  }
  const { out } = ctx;
  const now = Date.now();
  ctx.print(
    table(
      [{ header: 'ID' }, { header: 'NAME' }, { header: 'PHONE / EMAIL' }, { header: 'STATUS' }, { header: 'DEVICES', align: 'right' }, { header: 'CREATED' }, { header: 'LAST SEEN' }],
      items.map((a) => [a.id, a.displayName, [a.phone, a.email].filter(Boolean).join(' ') || '-', statusText(a, out), String(a.devices), relativeTime(a.createdAt, now), a.lastSeenAt === null ? '-' : relativeTime(a.lastSeenAt, now)]),
      out.bold,
    ),
  );
  if (next) ctx.note(out.dim(`more accounts: --limit ${items.length + 100} or --all`));
  return 0;
}

function statusText(a: AdminAccount, out: Ctx['out']): string {
  if (a.deletedAt !== null) return out.dim('deleted');
  if (a.suspendedAt !== null) return out.yellow('suspended');
  return 'active';
}

const CREATE_USAGE = `Usage: ottr admin accounts create (--phone P | --email E) [--name N]

Creates an account without sending a code; its owner signs in later with a code as usual.

${TOKEN_HELP}

${GLOBAL_HELP}
`;

async function create(argv: string[], base: Base): Promise<number> {
  const { values, positionals, ctx } = setup(base, 'admin accounts create', argv, { ...TOKEN_OPTION, phone: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' } }, CREATE_USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`, CREATE_USAGE);
  const phone = str(values, 'phone');
  const email = str(values, 'email');
  if ((phone === undefined) === (email === undefined)) throw new UsageError('give exactly one of --phone and --email', CREATE_USAGE);
  const name = str(values, 'name');
  const { token, server } = await credentials(ctx, values);
  const client = adminClient(server, token);
  const body = { ...(phone !== undefined ? { phone } : { email: email! }), ...(name !== undefined ? { displayName: name } : {}) };
  const account = await call(ctx, server, () => client.admin.adminCreateAccount({ body }));
  if (ctx.json) ctx.printJson(account);
  else ctx.print(`Created ${ctx.out.bold(account.id)} ${account.displayName} (${account.phone ?? account.email ?? ''})`);
  return 0;
}

const SESSION_USAGE = `Usage: ottr admin accounts session <account-id> [--device-name NAME]

Signs a new device in to the account without a code (for bots, automation and load tests) and
prints its session: account and device ids, access token (and when it expires), refresh token.
Anyone holding these tokens acts as the account: keep them like passwords. The device is
listed among the account's devices, and its owner can sign it out.

Options:
  --device-name NAME  Name of the new device (1-64 characters)    default "${DEFAULT_DEVICE_NAME}"

${TOKEN_HELP}

${GLOBAL_HELP}
`;

async function session(argv: string[], base: Base): Promise<number> {
  const { values, positionals, ctx } = setup(base, 'admin accounts session', argv, { ...TOKEN_OPTION, 'device-name': { type: 'string' } }, SESSION_USAGE);
  const id = accountId(positionals[0], SESSION_USAGE);
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`, SESSION_USAGE);
  const name = str(values, 'device-name') ?? DEFAULT_DEVICE_NAME;
  if (name.trim().length === 0 || name.length > 64) throw new UsageError('--device-name must have 1 to 64 characters', SESSION_USAGE);
  const { token, server } = await credentials(ctx, values);
  const client = adminClient(server, token);
  const s = await call(ctx, server, () => client.admin.adminCreateSession({ params: { accountId: id }, body: { device: { name } } }), id);
  if (ctx.json) ctx.printJson(s);
  else ctx.print(sessionText(s, name, ctx.out));
  return 0;
}

function sessionText(s: Session, deviceName: string, out: Ctx['out']): string {
  return [
    `Signed in device ${out.bold(s.deviceId)} (${deviceName}) to ${s.accountId} (${s.account.displayName}).`,
    `  account        ${s.accountId}`,
    `  device         ${s.deviceId}`,
    `  access token   ${s.accessToken}`,
    `  expires        ${new Date(s.accessTokenExpiresAt).toISOString()}`,
    `  refresh token  ${s.refreshToken}`,
  ].join('\n');
}

const SUSPEND_USAGE = `Usage: ottr admin accounts suspend|unsuspend <account-id>

Suspend: the account's connections are closed and its devices and sign-in refused until it is
unsuspended (devices stay signed in). Unsuspend: they work again.

${TOKEN_HELP}

${GLOBAL_HELP}
`;

async function suspend(action: 'suspend' | 'unsuspend', argv: string[], base: Base): Promise<number> {
  const { values, positionals, ctx } = setup(base, `admin accounts ${action}`, argv, TOKEN_OPTION, SUSPEND_USAGE);
  const id = accountId(positionals[0], SUSPEND_USAGE);
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`, SUSPEND_USAGE);
  const { token, server } = await credentials(ctx, values);
  const client = adminClient(server, token);
  const account = await call(
    ctx,
    server,
    () => (action === 'suspend' ? client.admin.adminSuspendAccount({ params: { accountId: id } }) : client.admin.adminUnsuspendAccount({ params: { accountId: id } })),
    id,
  );
  if (ctx.json) ctx.printJson(account);
  else ctx.print(`${action === 'suspend' ? 'Suspended' : 'Unsuspended'} ${account.id} (${account.displayName}).`);
  return 0;
}

const DELETE_USAGE = `Usage: ottr admin accounts delete <account-id> [--yes]

Deletes an account as its owner would: it leaves every conversation, every device is signed
out, its identifiers and profile are erased. Asks for confirmation unless --yes is given
(without a terminal, --yes is required).

${TOKEN_HELP}

${GLOBAL_HELP}
`;

async function remove(argv: string[], base: Base): Promise<number> {
  const { values, positionals, ctx } = setup(base, 'admin accounts delete', argv, { ...TOKEN_OPTION, yes: { type: 'boolean', short: 'y' } }, DELETE_USAGE);
  const id = accountId(positionals[0], DELETE_USAGE);
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`, DELETE_USAGE);
  const { token, server } = await credentials(ctx, values);
  const client = adminClient(server, token);
  try {
    if (!values.yes) {
      if (!ctx.stdinIsTTY) throw new UsageError('deleting an account needs confirmation: pass --yes', DELETE_USAGE);
      const account = await describe(client, ctx, server, id);
      const answer = await ctx.ask(`Delete ${id} (${account})? Its devices are signed out and its profile erased; this cannot be undone. Type "yes": `);
      if (answer?.toLowerCase() !== 'yes') {
        ctx.note('Not deleted.');
        return 1;
      }
    }
    await call(ctx, server, () => client.admin.adminDeleteAccount({ params: { accountId: id } }), id);
    if (ctx.json) ctx.printJson({ id, deleted: true });
    else ctx.print(`Deleted ${id}.`);
    return 0;
  } finally {
    ctx.close();
  }
}

async function describe(client: OttrClient, ctx: Ctx, server: string, id: AccountId): Promise<string> {
  const page = await call(ctx, server, () => client.admin.adminListAccounts({ query: { q: id, limit: 1 } }), id);
  const a = page.items[0];
  if (!a || a.deletedAt !== null) throw new CliError(`no account ${id} (or it was deleted)`, { code: 'not_found', hint: 'find ids with `ottr admin accounts list`' });
  return [a.displayName, a.phone ?? a.email].filter(Boolean).join(', ');
}

const EXPORT_USAGE = `Usage: ottr admin export [--data-dir D] [--out FILE]

Writes every table of the store to FILE (default: standard output) as JSON Lines: a header
line {"format":"ottr-export","version":1,…}, then one line per batch of rows. The store is
the one \`ottr serve\` would open with the same environment and --data-dir (by default the
SQLite file <data-dir>/ottr.db). Stop the server first.

Options:
  --data-dir D     Data directory of the installation    env OTTR_DATA_DIR, default ./data
  --out FILE       Where to write (created mode 0600)    default: standard output
`;

const IMPORT_USAGE = `Usage: ottr admin import --in FILE

Loads an \`ottr admin export\` file into the store configured by the environment, e.g.
OTTR_STORE=postgres OTTR_POSTGRES_URL=postgres://…/ottr. The store must be empty (a freshly
created database): one that holds data is refused and left unchanged. All or nothing.

Options:
  --in FILE        The export file
`;

const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
/**
 * A store that cannot be reached: a network error or PostgreSQL's connection (08…),
 * authentication (28…), no such database (3D000) or not accepting connections (57P03) states.
 */
const unreachable = (code: unknown): boolean => typeof code === 'string' && (NETWORK_ERRORS.has(code) || /^(08|28)/.test(code) || code === '3D000' || code === '57P03');

/** Failures of export/import (a bad file, a store that is not empty or unreachable, a wrong configuration) in words. */
function transferError(err: unknown): Error {
  const name = err instanceof Error ? err.name : '';
  if (name === 'TransferError' || name === 'ImportError' || name === 'ConfigError') return new CliError((err as Error).message, { code: 'transfer_failed' });
  if (err instanceof Error && unreachable((err as NodeJS.ErrnoException).code)) {
    return new CliError(`cannot open the store: ${err.message}`, { code: 'store_unavailable', hint: 'check OTTR_STORE and OTTR_POSTGRES_URL (or --data-dir / OTTR_SQLITE_PATH)' });
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** "ENOENT: no such file or directory", without the (temporary) path Node appends. */
const fsReason = (err: unknown): string => (err instanceof Error ? err.message : String(err)).replace(/, \w+ '.*'$/, '');

/**
 * The --out file, opened before the store is read, so that a wrong path fails first and in
 * words. A new file or a plain one goes to `<out>.<pid>.partial` first, renamed to `out` once
 * complete: a failed export leaves no half-written file, and an older export at `out` stays.
 * Anything else (a symlink such as /dev/stdout, a device, a pipe, a hard link) is written directly.
 */
async function openOut(out: string): Promise<{ stream: NodeJS.WritableStream; commit(): Promise<void>; discard(): Promise<void> }> {
  const direct = await lstat(out).then(
    (s) => !s.isFile() || s.nlink > 1,
    () => false,
  );
  const target = direct ? out : `${out}.${process.pid}.partial`;
  const failed = (err: unknown, hint?: string) => new CliError(`cannot write ${out}: ${fsReason(err)}`, { code: 'transfer_failed', ...(hint ? { hint } : {}) });
  const handle = await open(target, 'w', 0o600).catch((err: unknown) => {
    throw failed(err);
  });
  const stream = handle.createWriteStream();
  const end = async () => {
    stream.end();
    await finished(stream);
  };
  const discard = async () => {
    await end().catch(() => undefined);
    if (!direct) await rm(target, { force: true });
  };
  return {
    stream,
    discard,
    async commit() {
      try {
        await end();
        if (!direct) await rename(target, out);
      } catch (err) {
        await discard();
        throw failed(err, direct ? 'what was written is incomplete' : 'nothing was written');
      }
    },
  };
}

const summary = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .filter(([table]) => table !== 'store')
    .map(([table, n]) => `${table} ${n}`)
    .join(', ');

async function exportStore(argv: string[], base: Base): Promise<number> {
  const { values, positionals, ctx } = setup(base, 'admin export', argv, { 'data-dir': { type: 'string' }, out: { type: 'string' } }, EXPORT_USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`, EXPORT_USAGE);
  const dataDir = str(values, 'data-dir');
  const out = str(values, 'out');
  try {
    const { exportInstallation } = await import('@ottr/server-app');
    const file = out === undefined ? undefined : await openOut(out);
    const counts = await exportInstallation(ctx.env, file?.stream ?? process.stdout, { config: dataDir !== undefined ? { dataDir } : {} }).catch(async (err: unknown) => {
      await file?.discard();
      throw transferError(err);
    });
    await file?.commit();
    const line = `Exported ${summary(counts)}${out ? ` to ${out}` : ''}.\n`;
    if (out === undefined) base.io.stderr(line);
    else if (ctx.json) ctx.printJson({ out, rows: counts });
    else ctx.print(line.trimEnd());
    return 0;
  } finally {
    ctx.close();
  }
}

async function importStore(argv: string[], base: Base): Promise<number> {
  const { values, positionals, ctx } = setup(base, 'admin import', argv, { in: { type: 'string' } }, IMPORT_USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`, IMPORT_USAGE);
  const file = str(values, 'in');
  if (file === undefined) throw new UsageError('missing --in FILE', IMPORT_USAGE);
  try {
    const { importInstallation } = await import('@ottr/server-app');
    const counts = await importInstallation(ctx.env, file).catch((err: unknown) => {
      throw transferError(err);
    });
    if (ctx.json) ctx.printJson({ in: file, rows: counts });
    else ctx.print(`Imported ${summary(counts)} from ${file}.`);
    return 0;
  } finally {
    ctx.close();
  }
}

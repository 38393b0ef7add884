import { hostname } from 'node:os';
import { GLOBAL_HELP, str } from '../args.js';
import { anonymousClient, explain, explained, signedInClient } from '../client.js';
import { setup, type Base, type Ctx } from '../context.js';
import { CliError, notSignedIn, UsageError } from '../errors.js';
import { identifierText, parseIdentifier, type IdentifierInput } from '../identifiers.js';

export const LOGIN_USAGE = `Usage: ottr login [--phone P | --email E] [--code C] [--device-name N] [--send-code]

Signs in (or signs up) with a one-time code and stores the session in the profile.
Asks for what is missing: the phone number or email, then — once it is sent — the code.

Options:
  --phone P          Phone number in international form (+14155550123)
  --email E          Email address
  --code C           The 6-digit code, if you already have one (no code is requested)
  --device-name N    Name of this device in your device list (default: "ottr CLI on <host>")
  --send-code        Only send the code and exit; finish later with --code

${GLOBAL_HELP}
`;

export const LOGOUT_USAGE = `Usage: ottr logout

Signs this device out on the server and deletes its session from the profile.
(The admin token stored by \`ottr admin login\` is kept.)

${GLOBAL_HELP}
`;

export const WHOAMI_USAGE = `Usage: ottr whoami

Shows the account and device this profile is signed in as (asks the server).

${GLOBAL_HELP}
`;

const MAX_PROMPTED_TRIES = 3;

export async function loginCommand(argv: string[], base: Base): Promise<number> {
  const { values, positionals, ctx } = setup(base, 'login', argv, {
    phone: { type: 'string' },
    email: { type: 'string' },
    code: { type: 'string' },
    'device-name': { type: 'string' },
    'send-code': { type: 'boolean' },
  }, LOGIN_USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`, LOGIN_USAGE);
  const phone = str(values, 'phone');
  const email = str(values, 'email');
  let code = str(values, 'code');
  if (phone !== undefined && email !== undefined) throw new UsageError('give --phone or --email, not both', LOGIN_USAGE);
  if (code !== undefined && !/^[0-9]{6}$/.test(code.trim())) throw new UsageError(`--code must be the 6 digits you received, got '${code}'`, LOGIN_USAGE);
  if (code !== undefined && values['send-code']) throw new UsageError('--send-code and --code do not go together', LOGIN_USAGE);
  const deviceName = str(values, 'device-name') ?? `ottr CLI on ${hostname()}`.slice(0, 64);
  if (deviceName.length < 1 || deviceName.length > 64) throw new UsageError('--device-name must be 1 to 64 characters', LOGIN_USAGE);

  try {
    const profile = await ctx.store.load();
    const server = ctx.serverUrl(profile.server);

    let identifier: IdentifierInput;
    if (phone !== undefined) identifier = parseIdentifier(phone, LOGIN_USAGE);
    else if (email !== undefined) {
      if (!email.includes('@')) throw new UsageError(`'${email}' is not an email address`, LOGIN_USAGE);
      identifier = { email: email.trim() };
    }
    else {
      const answer = await ctx.ask('Phone number (+…) or email: ');
      if (!answer) throw new UsageError('no phone number or email given', LOGIN_USAGE);
      identifier = parseIdentifier(answer, LOGIN_USAGE);
    }

    const client = anonymousClient(ctx, server);
    const prompted = code === undefined;
    if (code === undefined) {
      const sent = await explained(ctx, server, () => client.auth.requestCode(identifier));
      const what = sent.channel === 'sms' ? 'by SMS' : 'by email';
      if (values['send-code']) {
        if (ctx.json) ctx.printJson({ identifier: sent.identifier, channel: sent.channel, expiresAt: sent.expiresAt });
        else ctx.note(`A code was sent ${what} to ${sent.identifier}. Finish with: ottr login --${'phone' in identifier ? 'phone' : 'email'} ${sent.identifier} --code <code>`);
        return 0;
      }
      ctx.note(`A code was sent ${what} to ${sent.identifier} (valid ${Math.max(1, Math.round((sent.expiresAt - Date.now()) / 60_000))} min).`);
      code = await askCode(ctx, 'Code: ', identifier);
    }

    for (let tries = 1; ; tries++) {
      try {
        const session = await client.auth.verify({ ...identifier, code: code.trim(), deviceName, platform: 'cli' });
        await ctx.store.update((p) => {
          p.server = server;
          if (p.session) {
            p.session.identifier = identifierText(identifier).toLowerCase();
            p.session.displayName = session.account.displayName;
          }
        });
        await client.close();
        if (ctx.json) {
          ctx.printJson({
            profile: ctx.profileName,
            server,
            accountId: session.accountId,
            deviceId: session.deviceId,
            newAccount: session.newAccount,
            displayName: session.account.displayName,
            phone: session.account.phone,
            email: session.account.email,
          });
        } else {
          const who = `${ctx.out.bold(session.account.displayName)} (${session.account.email ?? session.account.phone ?? session.accountId})`;
          ctx.print(`${session.newAccount ? 'Welcome! Signed up and signed in as' : 'Signed in as'} ${who} on ${server}${ctx.profileName === 'default' ? '' : ` — profile ${ctx.profileName}`}`);
        }
        return 0;
      } catch (err) {
        if (prompted && tries < MAX_PROMPTED_TRIES && isCode(err, 'code_invalid')) {
          code = await askCode(ctx, 'That code is wrong. Code: ', identifier);
          continue;
        }
        throw explain(err, ctx, server);
      }
    }
  } finally {
    ctx.close();
  }
}

function isCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

async function askCode(ctx: Ctx, question: string, identifier: IdentifierInput): Promise<string> {
  const answer = await ctx.ask(question);
  if (!answer) {
    const flag = 'phone' in identifier ? `--phone ${identifier.phone}` : `--email ${identifier.email}`;
    throw new CliError('no code entered', { code: 'no_code', hint: `finish with \`ottr login ${flag} --code <code>\`` });
  }
  if (!/^[0-9]{6}$/.test(answer)) return askCode(ctx, 'The code has 6 digits. Code: ', identifier);
  return answer;
}

export async function logoutCommand(argv: string[], base: Base): Promise<number> {
  const { positionals, ctx } = setup(base, 'logout', argv, {}, LOGOUT_USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`, LOGOUT_USAGE);
  const profile = await ctx.store.load();
  if (!profile.session) {
    if (ctx.json) ctx.printJson({ profile: ctx.profileName, signedOut: false });
    else ctx.note(`Not signed in${ctx.profileName === 'default' ? '' : ` (profile ${ctx.profileName})`}; nothing to do.`);
    return 0;
  }
  const { client, server } = await signedInClient(ctx);
  let warning: string | undefined;
  try {
    await client.auth.signOut();
  } catch (err) {
    // The server could not be told (unreachable, or it failed): forget the session here anyway.
    const e = explain(err, ctx, server);
    warning = `the server could not sign the device out (${e instanceof Error ? e.message : String(e)}); its session was deleted here — revoke it from another device if needed`;
  }
  await ctx.store.update((p) => {
    delete p.session;
  });
  if (warning) ctx.note(`${ctx.err.yellow('warning:')} ${warning}`);
  if (ctx.json) ctx.printJson({ profile: ctx.profileName, signedOut: true });
  else ctx.print(`Signed out${ctx.profileName === 'default' ? '' : ` of profile ${ctx.profileName}`}.`);
  return 0;
}

export async function whoamiCommand(argv: string[], base: Base): Promise<number> {
  const { positionals, ctx } = setup(base, 'whoami', argv, {}, WHOAMI_USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`, WHOAMI_USAGE);
  const profile = await ctx.store.load();
  if (!profile.session) throw notSignedIn(ctx.profileName);
  const { client, server, session } = await signedInClient(ctx);
  const me = await explained(ctx, server, () => client.profile.me());
  if (me.displayName !== session.displayName) {
    await ctx.store.update((p) => {
      if (p.session) p.session.displayName = me.displayName;
    });
  }
  await client.close();
  if (ctx.json) {
    ctx.printJson({
      profile: ctx.profileName,
      server,
      accountId: me.id,
      deviceId: session.deviceId,
      displayName: me.displayName,
      phone: me.phone,
      email: me.email,
    });
    return 0;
  }
  const ids = [me.phone, me.email].filter(Boolean).join(', ');
  ctx.print(
    [
      `${ctx.out.bold(me.displayName)}${ids ? ` (${ids})` : ''}`,
      `  account  ${me.id}`,
      `  device   ${session.deviceId}`,
      `  server   ${server}`,
      `  profile  ${ctx.profileName}`,
    ].join('\n'),
  );
  return 0;
}

import type { AccountId } from '@ottr/protocol';
import { GLOBAL_HELP } from '../args.js';
import { explained, signedInClient } from '../client.js';
import { HelpRequested, setup, type Base } from '../context.js';
import { UsageError } from '../errors.js';
import { learnNames } from '../names.js';
import { conversationTitle, Names } from '../output/events.js';
import { resolveAccount, resolveAccounts, resolveConversation } from '../targets.js';

export const GROUP_USAGE = `Usage: ottr group <create|add|remove> …

  ottr group create <title> [members…]          Create a group you own, with these members
  ottr group add <conversation> <members…>      Add members (admins)
  ottr group remove <conversation> <member>     Remove a member (admins; your own id: leave)

Members are given by account id (acc_…), +phone number or email address.

${GLOBAL_HELP}
`;

export async function groupCommand(argv: string[], base: Base): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'create':
      return create(rest, base);
    case 'add':
      return add(rest, base);
    case 'remove':
      return remove(rest, base);
    case '-h':
    case '--help':
      throw new HelpRequested(GROUP_USAGE);
    case undefined:
      throw new UsageError('missing group command (create, add or remove)', GROUP_USAGE);
    default:
      throw new UsageError(`unknown group command '${sub}'`, GROUP_USAGE);
  }
}

const CREATE_USAGE = `Usage: ottr group create <title> [members…]

Creates a group with you as its owner. Members: acc_… ids, +phone numbers or emails.

${GLOBAL_HELP}
`;

async function create(argv: string[], base: Base): Promise<number> {
  const { positionals, ctx } = setup(base, 'group create', argv, {}, CREATE_USAGE);
  const [title, ...memberArgs] = positionals;
  if (title === undefined || title.trim() === '') throw new UsageError('missing <title>', CREATE_USAGE);
  const { client, server, me } = await signedInClient(ctx);
  try {
    const members = await explained(ctx, server, () => resolveAccounts(client, memberArgs, CREATE_USAGE));
    const unique = [...new Set(members)].filter((id) => id !== me);
    const item = await explained(ctx, server, () => client.conversations.createGroup({ title, ...(unique.length ? { members: unique } : {}) }));
    const names = new Names(me);
    await learnNames(client, names, unique).catch(() => undefined);
    if (ctx.json) {
      ctx.printJson({ id: item.conversation.id, title: item.conversation.title, members: [me, ...unique] });
    } else {
      const who = unique.length ? ` with ${unique.map((id) => names.nameOf(id)).join(', ')}` : '';
      ctx.print(`Created group “${item.conversation.title}”${who}: ${ctx.out.bold(item.conversation.id)}`);
    }
    return 0;
  } finally {
    await client.close();
  }
}

const ADD_USAGE = `Usage: ottr group add <conversation> <members…>

Adds members to a group (you must be an admin). Members: acc_… ids, +phone numbers or emails.

${GLOBAL_HELP}
`;

async function add(argv: string[], base: Base): Promise<number> {
  const { positionals, ctx } = setup(base, 'group add', argv, {}, ADD_USAGE);
  const [target, ...memberArgs] = positionals;
  if (target === undefined) throw new UsageError('missing <conversation>', ADD_USAGE);
  if (memberArgs.length === 0) throw new UsageError('missing <members…>', ADD_USAGE);
  const { client, server, me } = await signedInClient(ctx);
  try {
    const item = await explained(ctx, server, () => resolveConversation(client, target, ADD_USAGE));
    const members = [...new Set(await explained(ctx, server, () => resolveAccounts(client, memberArgs, ADD_USAGE)))];
    const events = await explained(ctx, server, () => client.conversations.addMembers(item.conversation.id, members));
    const added = events.flatMap((e) => (e.type === 'member_added' ? [e.accountId] : []));
    const names = new Names(me);
    await learnNames(client, names, added).catch(() => undefined);
    if (ctx.json) {
      ctx.printJson({ conversationId: item.conversation.id, added, events });
    } else {
      ctx.print(`Added ${added.map((id: AccountId) => names.nameOf(id)).join(', ')} to ${conversationTitle(item, names)}.`);
    }
    return 0;
  } finally {
    await client.close();
  }
}

const REMOVE_USAGE = `Usage: ottr group remove <conversation> <member>

Removes a member from a group (admins; only the owner removes admins). Your own id: leave.

${GLOBAL_HELP}
`;

async function remove(argv: string[], base: Base): Promise<number> {
  const { positionals, ctx } = setup(base, 'group remove', argv, {}, REMOVE_USAGE);
  const [target, member, extra] = positionals;
  if (target === undefined) throw new UsageError('missing <conversation>', REMOVE_USAGE);
  if (member === undefined) throw new UsageError('missing <member>', REMOVE_USAGE);
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}' (remove one member at a time)`, REMOVE_USAGE);
  const { client, server, me } = await signedInClient(ctx);
  try {
    const item = await explained(ctx, server, () => resolveConversation(client, target, REMOVE_USAGE));
    const accountId = await explained(ctx, server, () => resolveAccount(client, member, REMOVE_USAGE));
    const event = await explained(ctx, server, () => client.conversations.removeMember(item.conversation.id, accountId));
    const names = new Names(me);
    await learnNames(client, names, [accountId]).catch(() => undefined);
    if (ctx.json) ctx.printJson({ conversationId: item.conversation.id, removed: accountId, event });
    else ctx.print(accountId === me ? `You left ${conversationTitle(item, names)}.` : `Removed ${names.nameOf(accountId)} from ${conversationTitle(item, names)}.`);
    return 0;
  } finally {
    await client.close();
  }
}

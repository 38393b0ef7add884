// Turning command-line arguments into conversations and accounts.
import { isId, type AccountId, type ConversationId, type ConversationListItem, type MessageId } from '@ottr/protocol';
import type { OttrClient } from '@ottr/sdk/node';
import { CliError, UsageError } from './errors.js';
import { identifierText, looksLikeIdentifier, parseIdentifier } from './identifiers.js';

/**
 * A conversation given as its id (cnv_…), or a person (acc_…, +phone, email) whose direct chat
 * is opened (the existing one, or a new one).
 */
export async function resolveConversation(client: OttrClient, arg: string, usage: string): Promise<ConversationListItem> {
  if (isId('conversation', arg)) return client.conversations.get(arg as ConversationId);
  if (isId('account', arg)) return client.conversations.openDirect(arg as AccountId);
  if (looksLikeIdentifier(arg)) {
    const id = await resolveAccount(client, arg, usage);
    return client.conversations.openDirect(id);
  }
  throw new UsageError(`'${arg}' is not a conversation id (cnv_…), an account id (acc_…), a +phone number or an email address`, usage);
}

/** One account by id (acc_…), +phone or email (looked up: it must be registered). */
export async function resolveAccount(client: OttrClient, arg: string, usage: string): Promise<AccountId> {
  return (await resolveAccounts(client, [arg], usage))[0]!;
}

/** Accounts by id, +phone or email, in the order given (one lookup for all identifiers). */
export async function resolveAccounts(client: OttrClient, args: string[], usage: string): Promise<AccountId[]> {
  const phones: string[] = [];
  const emails: string[] = [];
  const parsed = args.map((arg) => {
    if (isId('account', arg)) return { arg, id: arg as AccountId };
    if (!looksLikeIdentifier(arg)) throw new UsageError(`'${arg}' is not an account id (acc_…), a +phone number or an email address`, usage);
    const identifier = parseIdentifier(arg, usage);
    if ('phone' in identifier) phones.push(identifier.phone);
    else emails.push(identifier.email);
    return { arg, text: identifierText(identifier) };
  });
  if (phones.length + emails.length === 0) return parsed.map((p) => p.id!);
  const matches = await client.profile.lookup({ ...(phones.length ? { phones } : {}), ...(emails.length ? { emails } : {}) });
  const found = new Map(matches.map((m) => [m.query.toLowerCase(), m.profile.id]));
  return parsed.map((p) => {
    if (p.id) return p.id;
    const id = found.get(p.text!.toLowerCase()) ?? matchLoosely(matches, p.text!);
    if (!id) {
      throw new CliError(`no account on this server has ${p.arg}`, { code: 'not_found', hint: 'they need to sign up first (ottr login)' });
    }
    return id;
  });
}

/** The server may answer with the normalised query (lower-cased email, E.164 phone). */
function matchLoosely(matches: { query: string; profile: { id: AccountId } }[], text: string): AccountId | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[^0-9a-z@.+_-]/g, '');
  return matches.find((m) => norm(m.query) === norm(text))?.profile.id;
}

export function parseMessageId(arg: string, usage: string): MessageId {
  if (!isId('message', arg)) throw new UsageError(`'${arg}' is not a message id (msg_…)`, usage);
  return arg as MessageId;
}

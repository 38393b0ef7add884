/**
 * Accounts, devices and conversations for the workloads, made through the public API: accounts
 * and device sessions by the admin API (sign-in codes are rate-limited per IP, as they should be
 * for people), conversations by each account's own REST calls. Provisioning is not measured.
 */
import { api, pool } from './http.js';
import { ADMIN_TOKEN } from './nodes.js';

export interface User {
  readonly accountId: string;
  readonly accessToken: string;
}

let run = `${Date.now().toString(36)}`;

/** `count` accounts, each with one signed-in device. */
export async function createUsers(baseUrl: string, count: number): Promise<User[]> {
  const batch = (run = `${run}x`);
  return pool(count, 16, async (i) => {
    const account = await api<{ id: string }>(baseUrl, 'POST', '/v1/admin/accounts', { email: `u${i}-${batch}@bench.example` }, ADMIN_TOKEN);
    const session = await api<{ accessToken: string }>(baseUrl, 'POST', `/v1/admin/accounts/${account.id}/sessions`, { device: { name: 'bench' } }, ADMIN_TOKEN);
    return { accountId: account.id, accessToken: session.accessToken };
  });
}

/** The direct conversation of `a` and `b` (started by `a`). */
export async function directChat(baseUrl: string, a: User, b: User): Promise<string> {
  const res = await api<{ conversation: { id: string } }>(baseUrl, 'POST', '/v1/conversations', { kind: 'direct', peer: b.accountId }, a.accessToken);
  return res.conversation.id;
}

/** A group owned by `owner` with `members` (added 200 at a time, the protocol's batch limit). */
export async function group(baseUrl: string, owner: User, members: readonly User[]): Promise<string> {
  const res = await api<{ conversation: { id: string } }>(baseUrl, 'POST', '/v1/conversations', { kind: 'group', title: 'bench group' }, owner.accessToken);
  const id = res.conversation.id;
  const others = members.filter((m) => m.accountId !== owner.accountId).map((m) => m.accountId);
  for (let i = 0; i < others.length; i += 200) {
    await api(baseUrl, 'POST', `/v1/conversations/${id}/members`, { accountIds: others.slice(i, i + 200) }, owner.accessToken);
  }
  return id;
}

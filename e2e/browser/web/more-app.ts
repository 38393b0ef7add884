/**
 * Helpers for the web-app tests beyond app.ts: a REST session for seeding (a device of its own,
 * signed in through /v1/auth/code + the dev outbox + /v1/auth/verify), the id of the open chat,
 * signing an existing account in on a further browser context, and the "Chat options" menu.
 */
import type { Locator, Page } from 'playwright-core';
import { chatsHeading, codeFor, conversationList, enterCode, openApp, requestCode, shown, until } from './app.js';
import type { Person } from './harness.js';
import type { ServerProcess } from './server-process.js';

/** A device signed in over REST (no browser): its access token and account. */
export interface RestDevice {
  readonly accountId: string;
  /** Calls `/v1<path>` with the device's token; resolves with the JSON answer (null for 204), throws on an error status. */
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

/** Signs `email` in as a new device over REST (the code from the dev outbox). */
export async function restSignIn(server: ServerProcess, email: string, deviceName = 'Seeder'): Promise<RestDevice> {
  const before = await server.codeFor(email);
  const asked = await fetch(`${server.url}/v1/auth/code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
  if (asked.status !== 202) throw new Error(`POST /v1/auth/code: ${asked.status} ${await asked.text()}`);
  const code = await codeFor(server, email, before);
  const verified = await fetch(`${server.url}/v1/auth/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, code, device: { name: deviceName, platform: 'web' } }),
  });
  if (verified.status !== 200) throw new Error(`POST /v1/auth/verify: ${verified.status} ${await verified.text()}`);
  const session = (await verified.json()) as { accessToken: string; accountId: string };
  return {
    accountId: session.accountId,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const send = () =>
        fetch(`${server.url}/v1${path}`, {
          method,
          headers: { authorization: `Bearer ${session.accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      let res = await send();
      // Seeding fast can meet the server's per-device send limit: wait as it says, as any client would.
      for (let tries = 0; res.status === 429 && tries < 5; tries++) {
        await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
        res = await send();
      }
      if (!res.ok) throw new Error(`${method} /v1${path}: ${res.status} ${await res.text()}`);
      return (res.status === 204 ? null : await res.json()) as T;
    },
  };
}

let clientMsgCounter = 0;

/** Sends text messages into a conversation over REST, one after the other (so their order is the given order). */
export async function sendOverRest(device: RestDevice, conversationId: string, texts: readonly string[]): Promise<void> {
  for (const text of texts) {
    await device.call('POST', `/conversations/${conversationId}/messages`, { clientMsgId: `seed-${process.pid}-${++clientMsgCounter}`, content: { kind: 'text', text } });
  }
}

/** The id of the conversation open in `page` (from its /c/<id> address). */
export function openConversationId(page: Page): string {
  const match = /\/c\/([^/?#]+)/.exec(new URL(page.url()).pathname);
  if (!match) throw new Error(`no conversation open at ${page.url()}`);
  return decodeURIComponent(match[1]!);
}

/** Signs an existing account (`email`) in on `person`'s context through the UI (no welcome dialog); resolves on the chat list. */
export async function signInExisting(person: Person, server: ServerProcess, email: string): Promise<void> {
  const as: Person = { ...person, email };
  const before = await server.codeFor(email);
  await openApp(as, server);
  await requestCode(as);
  await enterCode(as, await codeFor(server, email, before));
  await shown(chatsHeading(person.page));
}

/** The list item (li) of the conversation titled `title` (in the list named `list`). */
export function conversationItem(page: Page, title: string, list = 'Conversations'): Locator {
  return (list === 'Conversations' ? conversationList(page) : page.getByRole('list', { name: list }))
    .getByRole('listitem')
    .filter({ has: page.getByRole('link', { name: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }) });
}

/** Opens "Chat options" of the conversation titled `title` and picks `choice` (e.g. "Pin", "Mute always", "Archive"). */
export async function chatOption(page: Page, title: string, choice: string, list = 'Conversations'): Promise<void> {
  await conversationItem(page, title, list).getByRole('button', { name: 'Chat options' }).click();
  const menu = page.getByRole('menu');
  await shown(menu);
  await menu.getByRole('menuitem', { name: choice, exact: true }).click();
  await until(`the "${choice}" menu to close`, () => menu.count(), 0);
}

/** Which of `titles` each conversation in the list shows, top to bottom (titles must not contain one another). */
export async function listTitles(page: Page, titles: readonly string[]): Promise<string[]> {
  const names = await page
    .getByRole('list', { name: 'Conversations' })
    .getByRole('link')
    .evaluateAll((links) => links.map((a) => a.textContent ?? ''));
  return names.map((n) => titles.find((t) => n.includes(t)) ?? n);
}

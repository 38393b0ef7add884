/**
 * What a person does in the web app, written against its accessible-name contract
 * (docs: the brief of issue 6; getByRole/getByLabel only, no CSS classes).
 */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ServerProcess } from './server-process.js';
import { WAIT_MS, type Person } from './harness.js';

/** Resolves once `locator` shows (auto-waiting; fails after the page's default timeout). */
export function shown(locator: Locator): Promise<void> {
  return locator.waitFor({ state: 'visible' });
}

/** Resolves once `locator` is hidden or gone. */
export function gone(locator: Locator): Promise<void> {
  return locator.waitFor({ state: 'hidden' });
}

/** Polls `fn` until its value equals `expected` (fails after WAIT_MS with `what` and the last value). */
export async function until<T>(what: string, fn: () => Promise<T> | T, expected: T): Promise<void> {
  await expect.poll(fn, { timeout: WAIT_MS, interval: 50, message: what }).toEqual(expected);
}

/** The own-message status marks, in the order they move. */
export const MARKS = ['Pending', 'Sent', 'Delivered', 'Read', 'Failed'] as const;
export type Mark = (typeof MARKS)[number];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The latest sign-in code for `to`, waiting for the outbox to have it. */
export async function codeFor(server: ServerProcess, to: string, after: string | null = null): Promise<string> {
  let code: string | null = null;
  await until(`a sign-in code for ${to} in the dev outbox`, async () => (code = await server.codeFor(to)) !== null && code !== after, true);
  return code!;
}

/** Opens the app at / (the sign-in screen for a new person). */
export async function openApp(person: Person, server: ServerProcess): Promise<void> {
  await person.page.goto(`${server.url}/`);
}

/** Sign-in step 1: the email, Continue. Resolves once the code step shows. */
export async function requestCode(person: Person): Promise<void> {
  const { page } = person;
  await page.getByRole('textbox', { name: 'Phone number or email' }).fill(person.email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await shown(page.getByRole('textbox', { name: 'Code' }));
}

/** Sign-in step 2: the code, Sign in. */
export async function enterCode(person: Person, code: string): Promise<void> {
  await person.page.getByRole('textbox', { name: 'Code' }).fill(code);
  await person.page.getByRole('button', { name: 'Sign in' }).click();
}

/** The welcome dialog of a new account: the name, Save; resolves once the dialog is gone. */
export async function giveName(person: Person): Promise<void> {
  const dialog = person.page.getByRole('dialog', { name: 'Welcome to ottr' });
  await dialog.getByRole('textbox', { name: 'Your name' }).fill(person.name);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await gone(dialog);
}

/** The whole sign-up of a new person by email through the UI; resolves on the chat list. */
export async function signUp(person: Person, server: ServerProcess): Promise<void> {
  await openApp(person, server);
  await requestCode(person);
  await enterCode(person, await codeFor(server, person.email));
  await giveName(person);
  await shown(chatsHeading(person.page));
}

export function chatsHeading(page: Page): Locator {
  return page.getByRole('heading', { name: 'Chats', exact: true });
}

/** The sidebar's conversation list. */
export function conversationList(page: Page): Locator {
  return page.getByRole('list', { name: 'Conversations' });
}

/** The link of a conversation in the list (its accessible name starts with the title). */
export function conversationLink(page: Page, title: string): Locator {
  return conversationList(page).getByRole('link', { name: new RegExp(`^${escapeRegExp(title)}`) });
}

/** The open chat's title heading (h2). */
export function chatTitle(page: Page, title: string): Locator {
  return page.getByRole('heading', { level: 2, name: title, exact: true });
}

/** "New chat" → the other person's email → "Start chat"; resolves with the chat open. */
export async function startChat(person: Person, other: Person): Promise<void> {
  const { page } = person;
  await page.getByRole('button', { name: 'New chat' }).click();
  const dialog = page.getByRole('dialog', { name: 'New chat' });
  await dialog.getByRole('textbox', { name: 'Phone number or email' }).fill(other.email);
  await dialog.getByRole('button', { name: 'Start chat' }).click();
  await gone(dialog);
  await shown(chatTitle(page, other.name));
}

/** Opens the conversation titled `title` from the list. */
export async function openChat(person: Person, title: string): Promise<void> {
  await conversationLink(person.page, title).click();
  await shown(chatTitle(person.page, title));
}

export function composer(page: Page): Locator {
  return page.getByRole('textbox', { name: 'Message' });
}

/** Types `text` into the composer and presses Enter (which sends). */
export async function send(person: Person, text: string): Promise<void> {
  const box = composer(person.page);
  await box.fill(text);
  await box.press('Enter');
  await until('the composer to empty after Enter', () => box.inputValue(), '');
}

/** Every message of the open chat, in order. */
export function messages(page: Page): Locator {
  return page.getByRole('log', { name: 'Messages' }).getByRole('article');
}

/** The messages that contain `text`. */
export function message(page: Page, text: string): Locator {
  return messages(page).filter({ hasText: text });
}

/** The status mark of an own message (the one element labelled with a mark). */
export function markOf(article: Locator): Locator {
  return article.locator(MARKS.map((m) => `[aria-label="${m}"]`).join(', '));
}

/** The texts of the open chat's messages, in order. */
export async function messageTexts(page: Page): Promise<string[]> {
  return messages(page).evaluateAll((els) => els.map((el) => el.textContent ?? ''));
}

/**
 * The "Message actions" button of a message: inside its article or beside it (the nearest
 * element around the article that holds such a button).
 */
export function messageActions(article: Locator): Locator {
  return article.locator('xpath=ancestor-or-self::*[.//button[@aria-label="Message actions"]][1]').getByRole('button', { name: 'Message actions' });
}

/** Opens the message menu of `article` (hover, then "Message actions"). */
export async function openMessageMenu(article: Locator): Promise<Locator> {
  await article.hover();
  await messageActions(article).click();
  const menu = article.page().getByRole('menu');
  await shown(menu);
  return menu;
}

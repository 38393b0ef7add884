// Two people chatting in the web app, each in a browser context of their own, against a real
// server process: messages both ways, typing, marks, unread badge, reply/edit/react/delete,
// offline sending, message text that looks like HTML, the CSP, and the phone layout.
import { expect, it } from 'vitest';
import {
  chatTitle,
  chatsHeading,
  composer,
  conversationLink,
  gone,
  markOf,
  message,
  messageTexts,
  openChat,
  openMessageMenu,
  send,
  shown,
  signUp,
  startChat,
  until,
  type Mark,
} from './app.js';
import { describeWeb, screenshot, DESKTOP, PHONE, type Person } from './harness.js';

describeWeb('web app: two people chat', (web) => {
  let alice: Person;
  let bob: Person;
  /** Alice and Bob signed up (once for the file; the tests after the first reuse them). */
  let people: Promise<void> | undefined;
  const signUpBoth = (): Promise<void> =>
    (people ??= (async () => {
      [alice, bob] = await Promise.all([web.person('Alice'), web.person('Bob')]);
      await Promise.all([signUp(alice, web.server), signUp(bob, web.server)]);
    })());

  /** Opens the chat of `person` with `other`, starting it when their list does not have it yet. */
  async function chatWith(person: Person, other: Person): Promise<void> {
    if ((await conversationLink(person.page, other.name).count()) > 0) await openChat(person, other.name);
    else await startChat(person, other);
  }

  const markText = async (person: Person, text: string): Promise<Mark | null> => (await markOf(message(person.page, text)).getAttribute('aria-label')) as Mark | null;

  it('Alice starts a chat with Bob; messages both ways, typing, marks up to Read, unread badge, reply, edit, react, delete', { timeout: 60_000 }, async () => {
    await signUpBoth();
    await startChat(alice, bob);

    // Bob is on his list, not in the chat: Alice's message is delivered, not read; Bob sees a badge.
    await send(alice, 'Hi Bob, it is Alice');
    await until('Alice’s mark once Bob’s app has the message', () => markText(alice, 'Hi Bob, it is Alice'), 'Delivered');
    const unread = conversationLink(bob.page, alice.name).getByLabel('1 unread', { exact: true });
    await shown(unread);
    await screenshot(bob.page, 'chat-list-unread-desktop');

    await openChat(bob, alice.name);
    await shown(message(bob.page, 'Hi Bob, it is Alice'));
    await gone(unread);
    await until('Alice’s mark once Bob has the chat open', () => markText(alice, 'Hi Bob, it is Alice'), 'Read');

    // Bob types: Alice's chat header says so.
    await composer(bob.page).focus();
    await bob.page.keyboard.type('Hello Al');
    await shown(alice.page.getByRole('main').getByText('typing…'));
    await bob.page.keyboard.type('ice!');
    await bob.page.keyboard.press('Enter');
    await shown(message(alice.page, 'Hello Alice!'));
    await gone(alice.page.getByRole('main').getByText('typing…'));

    // Reply: the reply shows the message it answers.
    const replyMenu = await openMessageMenu(message(alice.page, 'Hello Alice!'));
    await replyMenu.getByRole('menuitem', { name: 'Reply' }).click();
    await shown(alice.page.getByRole('button', { name: 'Cancel reply' }));
    await send(alice, 'This is my reply');
    await gone(alice.page.getByRole('button', { name: 'Cancel reply' }));
    for (const p of [alice, bob]) {
      const reply = message(p.page, 'This is my reply');
      await shown(reply);
      expect(await reply.textContent(), `${p.name} sees the quoted message in the reply`).toContain('Hello Alice!');
    }

    // Edit: the new text and "edited" on both sides.
    const editMenu = await openMessageMenu(message(alice.page, 'Hi Bob, it is Alice'));
    await editMenu.getByRole('menuitem', { name: 'Edit' }).click();
    await shown(alice.page.getByRole('button', { name: 'Cancel edit' }));
    await until('the composer holds the text being edited', () => composer(alice.page).inputValue(), 'Hi Bob, it is Alice');
    await send(alice, 'Hi Bob, this is Alice');
    for (const p of [alice, bob]) {
      const edited = message(p.page, 'Hi Bob, this is Alice');
      await shown(edited);
      await shown(edited.getByText('edited'));
      await until(`${p.name} no longer sees the old text`, () => message(p.page, 'Hi Bob, it is Alice').count(), 0);
    }

    // React: Bob puts 👍 on Alice's reply; "👍 1" under it on both sides.
    const reactMenu = await openMessageMenu(message(bob.page, 'This is my reply'));
    await reactMenu.getByRole('menuitem', { name: 'React' }).click();
    // The reaction choices: quick-reaction menu items or the picker's emoji buttons, named by the emoji.
    await bob.page.getByRole('menuitem', { name: '👍', exact: true }).or(bob.page.getByRole('button', { name: '👍', exact: true })).first().click();
    for (const p of [alice, bob]) await shown(message(p.page, 'This is my reply').getByRole('button', { name: '👍 1' }));

    // Delete for everyone, after confirming.
    await send(alice, 'A message to take back');
    await shown(message(bob.page, 'A message to take back'));
    const deleteMenu = await openMessageMenu(message(alice.page, 'A message to take back'));
    await deleteMenu.getByRole('menuitem', { name: 'Delete' }).click();
    const confirm = alice.page.getByRole('dialog', { name: 'Delete message?' });
    await confirm.getByRole('button', { name: 'Delete for everyone' }).click();
    await gone(confirm);
    for (const p of [alice, bob]) {
      await shown(message(p.page, 'This message was deleted'));
      await until(`${p.name} no longer sees the deleted text`, () => message(p.page, 'A message to take back').count(), 0);
    }

    // The day's messages sit under a date separator.
    await shown(alice.page.getByRole('log', { name: 'Messages' }).getByRole('separator').filter({ hasText: 'Today' }));

    await screenshot(alice.page, 'chat-desktop-light');
    await alice.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(alice.page, 'chat-desktop-dark');
    await alice.page.emulateMedia({ colorScheme: 'light' });
    await screenshot(bob.page, 'chat-desktop-light-bob');
  });

  it('Bob writes three messages offline (Pending, offline banner); back online they reach Alice once each, in order', { timeout: 60_000 }, async () => {
    await signUpBoth();
    await chatWith(alice, bob);
    await chatWith(bob, alice);
    const texts = ['offline one', 'offline two', 'offline three'];

    const allow = bob.allowConsoleErrors(/ERR_INTERNET_DISCONNECTED|WebSocket/);
    await bob.context.setOffline(true);
    await shown(bob.page.getByText(/You are offline/));
    for (const text of texts) {
      await send(bob, text);
      await shown(message(bob.page, text));
      expect(await markText(bob, text), `the mark of "${text}" while offline`).toBe('Pending');
    }
    await screenshot(bob.page, 'chat-offline-desktop');
    for (const text of texts) expect(await message(alice.page, text).count(), `"${text}" reached Alice while Bob was offline`).toBe(0);

    await bob.context.setOffline(false);
    for (const text of texts) await shown(message(alice.page, text));
    for (const text of texts) {
      await until(`Bob's mark of "${text}" moves past Pending`, async () => ['Sent', 'Delivered', 'Read'].includes((await markText(bob, text)) ?? ''), true);
    }
    await gone(bob.page.getByText(/You are offline/));
    allow();

    const all = await messageTexts(alice.page);
    for (const text of texts) expect(all.filter((t) => t.includes(text)), `articles with "${text}" at Alice`).toHaveLength(1);
    const at = texts.map((text) => all.findIndex((t) => t.includes(text)));
    expect(at, 'the order of the offline messages at Alice').toEqual([...at].sort((a, b) => a - b));
  });

  it('a message with HTML and script is shown as text; only http(s) URLs become links', { timeout: 60_000 }, async () => {
    await signUpBoth();
    await chatWith(alice, bob);
    await chatWith(bob, alice);
    const html = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b>';
    await send(bob, html);
    const shownHtml = message(alice.page, '<b>bold</b>');
    await shown(shownHtml);
    expect(await shownHtml.textContent()).toContain(html);
    expect(await shownHtml.locator('script, b, img[src="x"], img[onerror]').count(), 'elements made from the message text').toBe(0);
    for (const p of [alice, bob]) expect(await p.page.evaluate(() => (window as { __pwned?: unknown }).__pwned), `window.__pwned at ${p.name}`).toBeUndefined();

    await send(bob, 'see javascript:alert(1) and https://example.com/x?y=1');
    const links = message(alice.page, 'javascript:alert(1)');
    await shown(links);
    const link = links.getByRole('link');
    expect(await link.count(), 'links in the message').toBe(1);
    expect(await link.getAttribute('href')).toBe('https://example.com/x?y=1');
    expect((await link.getAttribute('rel'))?.split(/\s+/)).toContain('noopener');
    expect(await links.locator('a[href^="javascript"]').count()).toBe(0);
  });

  it('the app is served with a strict CSP, and no page broke it', { timeout: 60_000 }, async () => {
    await signUpBoth();
    for (const route of ['/', '/c/some-conversation', '/settings']) {
      const res = await fetch(`${web.server.url}${route}`, { headers: { accept: 'text/html' } });
      expect(res.status, `GET ${route}`).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, `the CSP of ${route}`).toMatch(/script-src 'self'/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    }
    const doc = await alice.page.goto(`${web.server.url}/`);
    expect(await doc?.headerValue('content-security-policy')).not.toMatch(/unsafe-inline|unsafe-eval/);
    await shown(chatsHeading(alice.page));
    // The harness fails any test with a violation; this states it for the file's pages so far.
    expect([...alice.cspViolations, ...bob.cspViolations]).toEqual([]);
  });

  it('at phone width (360×740) the list shows, a chat shows alone with a Back button, and nothing scrolls sideways', { timeout: 60_000 }, async () => {
    await signUpBoth();
    await chatWith(alice, bob);
    const { page } = alice;
    await page.setViewportSize(PHONE);
    try {
      await page.goto(`${web.server.url}/`);
      await shown(chatsHeading(page));
      await shown(conversationLink(page, bob.name));
      const scrollWidth = (): Promise<number> => page.evaluate(() => document.scrollingElement!.scrollWidth);
      expect(await scrollWidth(), 'the list’s width').toBeLessThanOrEqual(PHONE.width);
      await screenshot(page, 'chat-list-phone');

      await conversationLink(page, bob.name).click();
      await shown(chatTitle(page, bob.name));
      await shown(page.getByRole('button', { name: 'Back', exact: true }));
      await gone(chatsHeading(page));
      expect(await scrollWidth(), 'the chat’s width').toBeLessThanOrEqual(PHONE.width);
      await screenshot(page, 'chat-phone-light');
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(page, 'chat-phone-dark');
      await page.emulateMedia({ colorScheme: 'light' });

      await page.getByRole('button', { name: 'Back', exact: true }).click();
      await shown(chatsHeading(page));
      await gone(chatTitle(page, bob.name));
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });
});

// The web app's sign-in, welcome, session restore, settings, and keyboard-only use, against a
// real server process in Chromium.
import { expect, it } from 'vitest';
import { chatsHeading, codeFor, composer, conversationLink, enterCode, gone, markOf, message, messageActions, openApp, requestCode, shown, signUp, until } from './app.js';
import { describeWeb, screenshot, DESKTOP, PHONE } from './harness.js';

describeWeb('web app: sign-in', (web) => {
  it('a new person signs in by email, names themselves in the welcome dialog, and stays signed in after a reload; a wrong code shows an error', { timeout: 60_000 }, async () => {
    const nora = await web.person('Nora');
    const { page } = nora;
    await openApp(nora, web.server);
    await shown(page.getByRole('textbox', { name: 'Phone number or email' }));
    await screenshot(page, 'signin-desktop');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'signin-phone');
    await page.setViewportSize(DESKTOP);

    await requestCode(nora);
    const code = await codeFor(web.server, nora.email);
    await screenshot(page, 'signin-code-desktop');

    // A wrong code: an error, and still the code step. The 4xx answer is logged by the browser.
    const allow = nora.allowConsoleErrors(/status of 4\d\d/);
    const wrong = code === '000000' ? '111111' : '000000';
    await enterCode(nora, wrong);
    await shown(page.getByRole('alert'));
    expect(await page.getByRole('alert').textContent()).not.toBe('');
    await shown(page.getByRole('textbox', { name: 'Code' }));
    allow();

    await enterCode(nora, code);
    const welcome = page.getByRole('dialog', { name: 'Welcome to ottr' });
    await shown(welcome);
    await screenshot(page, 'welcome-desktop');
    await welcome.getByRole('textbox', { name: 'Your name' }).fill(nora.name);
    await welcome.getByRole('button', { name: 'Save' }).click();
    await gone(welcome);
    await shown(chatsHeading(page));
    await screenshot(page, 'chat-list-empty-desktop');

    // The name was saved: Settings shows it.
    await page.getByRole('button', { name: 'Settings' }).click();
    await shown(page.getByRole('heading', { name: 'Settings', exact: true }));
    await until('the display name in Settings', () => page.getByRole('textbox', { name: 'Display name' }).inputValue(), nora.name);
    await screenshot(page, 'settings-desktop');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'settings-phone');
    await page.setViewportSize(DESKTOP);

    // Reload: the session comes back from IndexedDB; no sign-in, no welcome dialog.
    await page.reload();
    await shown(chatsHeading(page));
    await until('the display name in Settings after the reload', () => page.getByRole('textbox', { name: 'Display name' }).inputValue(), nora.name);
    expect(await page.getByRole('textbox', { name: 'Code' }).count()).toBe(0);
    expect(await welcome.count()).toBe(0);
  });

  it('sign-in, starting a chat and sending a message work with the keyboard only; the message menu opens with Enter and closes with Escape', { timeout: 60_000 }, async () => {
    // The other side of the chat, signed up with the mouse.
    const olga = await web.person('Olga');
    const olgaSignedUp = signUp(olga, web.server);

    const kim = await web.person('Kim');
    const { page } = kim;
    const { keyboard } = page;
    await openApp(kim, web.server);
    await page.getByRole('textbox', { name: 'Phone number or email' }).focus();
    await keyboard.type(kim.email);
    await keyboard.press('Enter');
    const codeBox = page.getByRole('textbox', { name: 'Code' });
    await shown(codeBox);
    await codeBox.focus();
    await keyboard.type(await codeFor(web.server, kim.email));
    await keyboard.press('Enter');
    const welcome = page.getByRole('dialog', { name: 'Welcome to ottr' });
    await shown(welcome);
    await welcome.getByRole('textbox', { name: 'Your name' }).focus();
    await keyboard.type(kim.name);
    await keyboard.press('Enter');
    await gone(welcome);

    await olgaSignedUp;
    await page.getByRole('button', { name: 'New chat' }).focus();
    await keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New chat' });
    await shown(dialog);
    await dialog.getByRole('textbox', { name: 'Phone number or email' }).focus();
    await keyboard.type(olga.email);
    await keyboard.press('Enter');
    await gone(dialog);
    await shown(page.getByRole('heading', { level: 2, name: olga.name, exact: true }));

    await composer(page).focus();
    await keyboard.type('Typed without a mouse');
    await keyboard.press('Enter');
    const sent = message(page, 'Typed without a mouse');
    await shown(sent);
    // It reached Olga: the chat with Kim shows in her list.
    await shown(conversationLink(olga.page, kim.name));

    // The message menu: Enter on "Message actions" opens it, Escape closes it (and the chat stays open).
    // A message still Pending offers only Copy and Discard: wait for the server's ack first (Olga
    // can have it before Kim's page has read the ack).
    await until('the message to be sent', async () => ['Sent', 'Delivered', 'Read'].includes((await markOf(sent).getAttribute('aria-label')) ?? ''), true);
    const actions = messageActions(sent);
    await actions.focus();
    await keyboard.press('Enter');
    const menu = page.getByRole('menu');
    await shown(menu);
    expect(await menu.getByRole('menuitem', { name: 'Reply' }).count()).toBe(1);
    await keyboard.press('Escape');
    await gone(menu);
    await shown(composer(page));
  });
});

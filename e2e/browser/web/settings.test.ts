// Settings in the web app, against a real server process: the profile as the other person sees
// it, the devices list with signing out another device (which falls back to the sign-in screen by
// itself), the dark theme across a reload, and signing out.
import { expect, it } from 'vitest';
import { chatTitle, conversationLink, gone, openChat, send, shown, signUp, startChat, until } from './app.js';
import { describeWeb, type Person } from './harness.js';
import { signInExisting } from './more-app.js';

describeWeb('web app: settings', (web) => {
  let alice: Person;
  let bob: Person;
  /** Alice and Bob signed up, with a direct chat (once for the file). */
  let ready: Promise<void> | undefined;
  const setUp = (): Promise<void> =>
    (ready ??= (async () => {
      [alice, bob] = await Promise.all([web.person('Alice'), web.person('Bob')]);
      await Promise.all([signUp(alice, web.server), signUp(bob, web.server)]);
      await startChat(alice, bob);
      await send(alice, 'Hi Bob');
      await shown(conversationLink(bob.page, alice.name));
    })());
  const openSettings = async (person: Person): Promise<void> => {
    await person.page.getByRole('button', { name: 'Settings' }).click();
    await shown(person.page.getByRole('heading', { name: 'Settings', exact: true }));
  };
  const signInScreen = (person: Person) => person.page.getByRole('textbox', { name: 'Phone number or email' });

  it('a new display name and about are saved, and the other person sees the new name after a reload', { timeout: 60_000 }, async () => {
    await setUp();
    const { page } = alice;
    await openSettings(alice);
    const name = page.getByRole('textbox', { name: 'Display name' });
    const about = page.getByRole('textbox', { name: 'About' });
    await until('the profile form filled in', () => name.inputValue(), alice.name);
    await name.fill('Alice Liddell');
    await about.fill('Down the rabbit hole');
    await page.getByRole('button', { name: 'Save profile' }).click();

    await page.reload();
    await until('the saved display name after a reload', () => page.getByRole('textbox', { name: 'Display name' }).inputValue(), 'Alice Liddell');
    expect(await page.getByRole('textbox', { name: 'About' }).inputValue(), 'the saved about').toBe('Down the rabbit hole');

    await bob.page.reload();
    await shown(conversationLink(bob.page, 'Alice Liddell'));
    await openChat(bob, 'Alice Liddell');
    await shown(chatTitle(bob.page, 'Alice Liddell'));
  });

  it('a second device shows in Devices; signing it out sends it back to sign-in with a notice', { timeout: 60_000 }, async () => {
    await setUp();
    const laptop: Person = { ...(await web.person('Alice laptop')), email: alice.email };
    await signInExisting(laptop, web.server, alice.email);

    const { page } = alice;
    await page.goto(`${web.server.url}/settings`);
    const devices = page.getByRole('list', { name: 'Devices' });
    await until('devices listed', () => devices.getByRole('listitem').count(), 2);
    await shown(devices.getByText('This device'));
    const signOutOther = devices.getByRole('button', { name: /^Sign out / });
    expect(await signOutOther.count(), 'sign-out buttons (the other device only)').toBe(1);
    await signOutOther.click();
    const confirm = page.getByRole('dialog', { name: /^Sign out .+\?$/ });
    await confirm.getByRole('button', { name: 'Sign out device' }).click();
    await gone(confirm);
    await until('devices listed after signing the other out', () => devices.getByRole('listitem').count(), 1);

    // The laptop, left alone, is back on the sign-in screen and says why.
    await shown(signInScreen(laptop));
    await shown(laptop.page.getByText('This device was signed out from another device.'));
    await laptop.page.reload();
    await shown(signInScreen(laptop));
  });

  it('the Dark theme darkens the page and survives a reload', { timeout: 60_000 }, async () => {
    await setUp();
    const { page } = alice;
    await page.goto(`${web.server.url}/settings`);
    await shown(page.getByRole('heading', { name: 'Settings', exact: true }));
    /** The relative luminance (0 black … 1 white) of the body's computed background. */
    const bodyLuminance = (): Promise<number> =>
      page.evaluate(() => {
        const [r, g, b] = (getComputedStyle(document.body).backgroundColor.match(/[\d.]+/g) ?? []).map(Number);
        return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
      });
    await page.getByRole('radio', { name: 'Light' }).check();
    await until('a light background', async () => (await bodyLuminance()) > 0.8, true);
    await page.getByRole('radio', { name: 'Dark' }).check();
    await until('a dark background', async () => (await bodyLuminance()) < 0.2, true);
    await page.reload();
    await shown(page.getByRole('heading', { name: 'Settings', exact: true }));
    expect(await bodyLuminance(), 'the background after a reload').toBeLessThan(0.2);
    expect(await page.getByRole('radio', { name: 'Dark' }).isChecked(), 'Dark still chosen').toBe(true);
    await page.getByRole('radio', { name: 'System' }).check();
    await until('the light system theme again', async () => (await bodyLuminance()) > 0.8, true);
  });

  it('Sign out returns to the sign-in screen, and a reload stays signed out', { timeout: 60_000 }, async () => {
    await setUp();
    const { page } = bob;
    await openSettings(bob);
    // What the settings page still loads when the session ends is answered 401: expected then.
    const allow = bob.allowConsoleErrors(/status of 401 \(Unauthorized\)/);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await shown(signInScreen(bob));
    await gone(page.getByRole('heading', { name: 'Chats', exact: true }));
    await page.reload();
    await shown(signInScreen(bob));
    allow();
    expect(await page.getByRole('heading', { name: 'Chats', exact: true }).count(), 'the chats list after a reload').toBe(0);
  });
});

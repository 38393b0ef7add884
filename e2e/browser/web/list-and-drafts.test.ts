// The chats list and the composer's drafts in the web app, against a real server process: Alice
// has direct chats with Bob and Carol (each in a browser context of their own). Drafts per chat
// (across switching and reloads), the list's order by activity, pin/mute/archive through "Chat
// options", "Search chats" by name and by message words, and forwarding a message.
import { expect, it } from 'vitest';
import { chatTitle, composer, conversationLink, conversationList, gone, message, openChat, openMessageMenu, send, shown, signUp, startChat, until } from './app.js';
import { describeWeb, type Person } from './harness.js';
import { chatOption, listTitles } from './more-app.js';

describeWeb('web app: the chats list and drafts', (web) => {
  let alice: Person;
  let bob: Person;
  let carol: Person;
  /** Alice, Bob and Carol signed up; Alice has a chat with each (once for the file). */
  let ready: Promise<void> | undefined;
  const setUp = (): Promise<void> =>
    (ready ??= (async () => {
      [alice, bob, carol] = await Promise.all([web.person('Alice'), web.person('Bob'), web.person('Carol')]);
      await Promise.all([signUp(alice, web.server), signUp(bob, web.server), signUp(carol, web.server)]);
      await startChat(alice, bob);
      await send(alice, 'Hello Bob');
      await startChat(alice, carol);
      await send(alice, 'Hello Carol');
      await shown(conversationLink(bob.page, alice.name));
      await shown(conversationLink(carol.page, alice.name));
    })());
  const titles = (person: Person): Promise<string[]> => listTitles(person.page, [bob.name, carol.name]);
  /** Alice leaves any chat (Settings), so that messages to her stay unread. */
  const aliceOffChats = async (): Promise<void> => {
    await alice.page.getByRole('button', { name: 'Settings' }).click();
    await shown(alice.page.getByRole('heading', { name: 'Settings', exact: true }));
  };

  it('a draft survives switching chats and a reload, and is gone once sent', { timeout: 60_000 }, async () => {
    await setUp();
    const { page } = alice;
    await openChat(alice, bob.name);
    await composer(page).fill('A draft for Bob, not sent yet');
    await openChat(alice, carol.name);
    expect(await composer(page).inputValue(), 'the composer in the chat with Carol').toBe('');
    await openChat(alice, bob.name);
    await until('the draft back in the chat with Bob', () => composer(page).inputValue(), 'A draft for Bob, not sent yet');

    await page.reload();
    await shown(chatTitle(page, bob.name));
    await until('the draft after a reload', () => composer(page).inputValue(), 'A draft for Bob, not sent yet');

    await composer(page).press('Enter');
    await until('the composer after sending', () => composer(page).inputValue(), '');
    await openChat(alice, carol.name);
    await openChat(alice, bob.name);
    expect(await composer(page).inputValue(), 'the composer after sending and switching back').toBe('');
    await page.reload();
    await shown(chatTitle(page, bob.name));
    await shown(message(page, 'A draft for Bob, not sent yet'));
    expect(await composer(page).inputValue(), 'the composer after sending and a reload').toBe('');
  });

  it('the list follows activity; Pin puts a chat first; Mute shows Muted and a grey badge that still counts; Archive moves it under Archived', { timeout: 60_000 }, async () => {
    await setUp();
    const { page } = alice;
    await aliceOffChats();

    // Activity: whoever wrote last is on top.
    await openChat(bob, alice.name);
    await send(bob, 'Bob is on top now');
    await until('Alice’s list after Bob writes', () => titles(alice), [bob.name, carol.name]);
    await openChat(carol, alice.name);
    await send(carol, 'Carol is on top now');
    await until('Alice’s list after Carol writes', () => titles(alice), [carol.name, bob.name]);

    // Pin Bob: first, with the Pinned icon, even after Carol writes again.
    await chatOption(page, bob.name, 'Pin');
    await shown(conversationLink(page, bob.name).getByRole('img', { name: 'Pinned' }));
    await until('Alice’s list with Bob pinned', () => titles(alice), [bob.name, carol.name]);
    await send(carol, 'Carol writes again');
    await shown(conversationLink(page, carol.name).getByText('Carol writes again'));
    expect(await titles(alice), 'the pinned chat stays first').toEqual([bob.name, carol.name]);
    expect(await conversationLink(page, carol.name).getByRole('img', { name: 'Pinned' }).count(), 'Pinned on Carol’s chat').toBe(0);

    // Mute Carol: the Muted icon; her messages still count, on a grey badge (unlike Bob's).
    await chatOption(page, carol.name, 'Mute always');
    await shown(conversationLink(page, carol.name).getByRole('img', { name: 'Muted' }));
    await send(carol, 'One more from Carol');
    await send(bob, 'One more from Bob');
    const carolBadge = conversationLink(page, carol.name).getByRole('img', { name: /^\d+ unread$/ });
    await shown(carolBadge);
    const carolUnread = Number(/^(\d+)/.exec((await carolBadge.getAttribute('aria-label')) ?? '')?.[1]);
    expect(carolUnread, 'unread messages counted on the muted chat').toBeGreaterThanOrEqual(3);
    const bobBadge = conversationLink(page, bob.name).getByRole('img', { name: /^\d+ unread$/ });
    await shown(bobBadge);
    const background = (badge: typeof bobBadge): Promise<string> => badge.evaluate((el) => getComputedStyle(el).backgroundColor);
    const [mutedColour, normalColour] = [await background(carolBadge), await background(bobBadge)];
    expect(mutedColour, 'the muted badge’s colour differs from an unmuted one').not.toBe(normalColour);
    const [r, g, b] = (mutedColour.match(/[\d.]+/g) ?? []).map(Number);
    expect(Math.max(r!, g!, b!) - Math.min(r!, g!, b!), `the muted badge is grey (${mutedColour})`).toBeLessThan(40);

    // Archive Carol: out of the list, under "Archived".
    await chatOption(page, carol.name, 'Archive');
    await until('Carol’s chat in the list after archiving', () => conversationLink(page, carol.name).count(), 0);
    await page.getByRole('button', { name: /^Archived/ }).click();
    await shown(page.getByRole('heading', { name: 'Archived', exact: true }));
    await shown(page.getByRole('list', { name: 'Archived conversations' }).getByRole('link', { name: new RegExp(`^${carol.name}`) }));
    // Unarchive (from the archive's own Chat options): back in the list.
    await chatOption(page, carol.name, 'Unarchive', 'Archived conversations');
    await page.getByRole('button', { name: 'Back to chats' }).click();
    await shown(page.getByRole('heading', { name: 'Chats', exact: true }));
    await shown(conversationLink(page, carol.name));
    await chatOption(page, bob.name, 'Unpin');
    await gone(conversationLink(page, bob.name).getByRole('img', { name: 'Pinned' }));
  });

  it('Search chats filters by name, and from two characters finds a message and opens its chat', { timeout: 60_000 }, async () => {
    await setUp();
    const { page } = alice;
    await openChat(bob, alice.name);
    await send(bob, 'Shall we get pineapple pizza tonight?');
    await shown(conversationLink(page, bob.name));

    const search = page.getByRole('searchbox', { name: 'Search chats' });
    await search.fill(bob.name.slice(0, 2));
    await until('the list filtered by a name', () => listTitles(page, [bob.name, carol.name, alice.name]), [bob.name]);
    await search.fill('');
    await shown(conversationLink(page, bob.name));

    await search.fill('pineapple');
    await shown(page.getByText(/No chats match/));
    const hit = page.getByRole('list', { name: 'Message results' }).getByRole('link').filter({ hasText: 'pineapple' });
    await shown(hit);
    expect(await hit.textContent(), 'the hit names its chat').toContain(bob.name);
    await hit.click();
    await shown(chatTitle(page, bob.name));
    await shown(message(page, 'Shall we get pineapple pizza tonight?'));
    await search.fill('');
    await shown(conversationList(page));
  });

  it('Forward puts the message in another chat with a Forwarded label', { timeout: 60_000 }, async () => {
    await setUp();
    const { page } = alice;
    await openChat(bob, alice.name);
    await send(bob, 'Please pass this on to Carol');
    await openChat(alice, bob.name);
    const menu = await openMessageMenu(message(page, 'Please pass this on to Carol'));
    await menu.getByRole('menuitem', { name: 'Forward' }).click();
    const dialog = page.getByRole('dialog', { name: 'Forward message' });
    await dialog.getByRole('list', { name: 'Forward to' }).getByRole('button', { name: carol.name }).click();
    await gone(dialog);

    await openChat(alice, carol.name);
    for (const p of [alice, carol]) {
      if (p === carol) await openChat(carol, alice.name);
      const forwarded = message(p.page, 'Please pass this on to Carol');
      await shown(forwarded);
      await shown(forwarded.getByText(/Forwarded/));
    }
  });
});

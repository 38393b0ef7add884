// A group of three in the web app, each person in a browser context of their own, against a
// real server process.
import { expect, it } from 'vitest';
import { chatTitle, conversationLink, gone, message, messageTexts, openChat, send, shown, signUp, until } from './app.js';
import { describeWeb, screenshot, PHONE, DESKTOP } from './harness.js';

describeWeb('web app: a group of three', (web) => {
  it('Alice creates a group with Bob and Carol; each writes; all see the three messages in the same order with sender names; the info pane lists 3 members, Alice the owner', { timeout: 60_000 }, async () => {
    const [alice, bob, carol] = await Promise.all([web.person('Alice'), web.person('Bob'), web.person('Carol')]);
    await Promise.all([signUp(alice, web.server), signUp(bob, web.server), signUp(carol, web.server)]);
    const group = 'Weekend trip';

    const { page } = alice;
    await page.getByRole('button', { name: 'New group' }).click();
    const dialog = page.getByRole('dialog', { name: 'New group' });
    await dialog.getByRole('textbox', { name: 'Group name' }).fill(group);
    const add = dialog.getByRole('textbox', { name: 'Add people' });
    for (const member of [bob, carol]) {
      await add.fill(member.email);
      await add.press('Enter');
      await shown(dialog.getByRole('button', { name: `Remove ${member.name}` }));
    }
    await screenshot(page, 'new-group-desktop');
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await gone(dialog);
    await shown(chatTitle(page, group));
    await shown(page.getByRole('main').getByText('3 members'));

    // One after the other, each waiting until everyone has the one before: a defined order.
    const lines: [typeof alice, string][] = [
      [alice, 'Alice says hello to the group'],
      [bob, 'Bob is in'],
      [carol, 'Carol is in too'],
    ];
    for (const [who, text] of lines) {
      if (who !== alice) await openChat(who, group);
      await send(who, text);
      for (const p of [alice, bob, carol]) {
        if (p === alice || lines.findIndex(([w]) => w === p) <= lines.findIndex(([w]) => w === who)) await shown(message(p.page, text));
      }
    }

    for (const p of [alice, bob, carol]) {
      const all = await messageTexts(p.page);
      const order = lines.map(([, text]) => all.findIndex((t) => t.includes(text)));
      expect(order.every((i) => i >= 0), `${p.name} has all three messages`).toBe(true);
      expect(order, `the order at ${p.name}`).toEqual([...order].sort((a, b) => a - b));
      for (const [who, text] of lines) {
        if (who === p) continue;
        expect(await message(p.page, text).textContent(), `${p.name} sees who wrote "${text}"`).toContain(who.name);
      }
    }
    await screenshot(bob.page, 'group-chat-desktop');

    // Bob's info pane: three members, Alice (by name) the owner.
    await bob.page.getByRole('button', { name: 'Chat info' }).click();
    await shown(bob.page.getByRole('heading', { name: group }));
    const members = bob.page.getByRole('list', { name: 'Members' }).getByRole('listitem');
    await until('members in the info pane', () => members.count(), 3);
    for (const p of [alice, carol]) await shown(members.filter({ hasText: p.name }));
    await shown(members.filter({ hasText: alice.name }).getByText('Owner', { exact: true }));
    for (const p of [bob, carol]) expect(await members.filter({ hasText: p.name }).getByText('Owner', { exact: true }).count(), `${p.name} is no owner`).toBe(0);
    await screenshot(bob.page, 'group-info-desktop');

    await page.getByRole('button', { name: 'Chat info' }).click();
    await shown(page.getByRole('heading', { name: group }));
    await until('members in Alice’s info pane', () => page.getByRole('list', { name: 'Members' }).getByRole('listitem').count(), 3);
    await page.setViewportSize(PHONE);
    await screenshot(page, 'group-info-phone');
    await page.setViewportSize(DESKTOP);

    await page.getByRole('button', { name: 'Back to chat' }).click();
    await shown(chatTitle(page, group));
    await shown(conversationLink(page, group));
  });
});

// A long chat in the web app against a real server process: 300 messages seeded over REST (from a
// device of Alice's of its own), then read in a fresh browser context of Alice's (empty cache, so
// the history comes page by page from the server): only the rows near the viewport are in the
// page, scrolling up loads older pages without moving what the reader looks at, "Jump to latest"
// counts what arrives below, and unread messages get their marker.
import { expect, it } from 'vitest';
import { chatTitle, conversationLink, message, messages, openChat, send, shown, signUp, startChat, until } from './app.js';
import { describeWeb, type Person } from './harness.js';
import { openConversationId, restSignIn, sendOverRest, signInExisting } from './more-app.js';

const COUNT = 300;
const text = (n: number): string => `History line ${String(n).padStart(3, '0')}`;
/** The numbers of the seeded messages in the page now. */
const numbersIn = async (person: Person): Promise<number[]> =>
  (await messages(person.page).evaluateAll((els) => els.map((el) => el.textContent ?? ''))).flatMap((t) => {
    const m = /History line (\d{3})/.exec(t);
    return m ? [Number(m[1])] : [];
  });

describeWeb('web app: a long chat', (web) => {
  it('300 messages: few rows in the page, older pages load at the top without moving the view, Jump to latest counts new ones, the unread marker', { timeout: 90_000 }, async () => {
    const [alice, bob] = await Promise.all([web.person('Alice'), web.person('Bob')]);
    await Promise.all([signUp(alice, web.server), signUp(bob, web.server)]);
    await startChat(alice, bob);
    const conversationId = openConversationId(alice.page);

    const seeder = await restSignIn(web.server, alice.email);
    await sendOverRest(
      seeder,
      conversationId,
      Array.from({ length: COUNT }, (_, i) => text(i + 1)),
    );

    // A second device of Alice's with nothing cached: the history comes from the server.
    const reader: Person = { ...(await web.person('Alice reader')), email: alice.email };
    await signInExisting(reader, web.server, alice.email);
    await openChat(reader, bob.name);
    const { page } = reader;
    const log = page.getByRole('log', { name: 'Messages' });
    await shown(message(page, text(COUNT)));

    // (a) Only the rows near the viewport are in the page.
    expect((await messages(page).count()), 'articles in the page with the chat open at the bottom').toBeLessThan(120);

    // (b) Scroll to the top again and again: older pages are prepended until the start shows;
    // when a page lands, the message at the top of the viewport stays where it was.
    const start = page.getByText('This is the start of the conversation');
    let pagesLanded = 0;

    // First straight to the top (the scrollbar dragged up, Home), where the page is asked for at
    // once. In the page, frame by frame: the top message in the last frame before the older page
    // landed (the scroll height grows by far more than rows being measured change it), its place
    // in the first frame after, and 20 frames later (the new rows measured).
    const straightUp = await log.evaluate(async (el) => {
      const frame = (): Promise<unknown> => new Promise((r) => requestAnimationFrame(r));
      const articles = (): Element[] => [...el.querySelectorAll('[role="article"]')];
      const numberOf = (a: Element): number => Number(/History line (\d{3})/.exec(a.textContent ?? '')?.[1] ?? NaN);
      const yOf = (n: number): number | null => articles().find((a) => numberOf(a) === n)?.getBoundingClientRect().y ?? null;
      el.scrollTop = 0;
      await frame();
      const height = el.scrollHeight;
      let top: { n: number; y: number } | null = null;
      for (let i = 0; i < 600 && el.scrollHeight < height + 1000; i++) {
        const box = el.getBoundingClientRect();
        const first = articles().find((a) => a.getBoundingClientRect().top >= box.top);
        top = first ? { n: numberOf(first), y: first.getBoundingClientRect().y } : null;
        await frame();
      }
      if (!top || el.scrollHeight < height + 1000) return null;
      const after = yOf(top.n);
      for (let i = 0; i < 20; i++) await frame();
      return { ...top, after, settled: yOf(top.n) };
    });
    expect(straightUp, 'an older page landed after scrolling straight to the top').not.toBeNull();
    pagesLanded++;
    const moved = `how far "${text(straightUp!.n)}" moved when the older page landed (before → just after → settled: ${straightUp!.y} → ${straightUp!.after} → ${straightUp!.settled})`;
    expect(straightUp!.after, moved).not.toBeNull();
    expect(straightUp!.settled, moved).not.toBeNull();
    // (Up to 6 px: the message joins the group of the older one above it, whose gap is smaller.)
    expect(Math.abs(straightUp!.after! - straightUp!.y), moved).toBeLessThan(8);
    expect(Math.abs(straightUp!.settled! - straightUp!.y), moved).toBeLessThan(8);

    // Then up again and again, as a reader scrolls.
    for (let round = 0; round < 20 && !(await start.isVisible()); round++) {
      // Scroll up like a reader: first to just outside the distance that asks for older messages
      // (the rows near the top get drawn and measured), then into it; note the top message.
      await log.evaluate((el) => {
        el.scrollTop = 1000;
      });
      await until('the rows near the top measured (the scroll height settles)', async () => {
        const h1 = await log.evaluate((el) => el.scrollHeight);
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        return h1 === (await log.evaluate((el) => el.scrollHeight));
      }, true);
      const { oldest, visible: top } = await log.evaluate(async (el) => {
        el.scrollTop = 400;
        await new Promise((r) => requestAnimationFrame(r));
        const box = el.getBoundingClientRect();
        const articles = [...el.querySelectorAll('[role="article"]')];
        const visible = articles.find((a) => a.getBoundingClientRect().top >= box.top && a.getBoundingClientRect().top < box.bottom);
        const numbers = articles.flatMap((a) => /History line (\d{3})/.exec(a.textContent ?? '')?.[1] ?? []).map(Number);
        return { oldest: Math.min(...numbers), visible: visible ? { text: visible.textContent ?? '', y: visible.getBoundingClientRect().y } : null };
      });
      await until('an older page or the start of the conversation', async () => (await start.isVisible()) || Math.min(...(await numbersIn(reader))) < oldest, true);
      if (top && Math.min(...(await numbersIn(reader))) < oldest) {
        pagesLanded++;
        const n = /History line (\d{3})/.exec(top.text)?.[1];
        const now = await message(page, text(Number(n))).boundingBox({ timeout: 1000 }).catch(() => null);
        expect(now, `the message that was at the top (${top.text.slice(0, 40)}) is still in the page`).not.toBeNull();
        expect(Math.abs(now!.y - top.y), `how far "${text(Number(n))}" moved when an older page landed`).toBeLessThan(4);
      }
    }
    expect(pagesLanded, 'older pages loaded by scrolling up').toBeGreaterThan(0);
    await shown(start);
    await log.evaluate((el) => {
      el.scrollTop = 0;
    });
    await shown(message(page, text(1)));
    expect(await numbersIn(reader), 'the first message is in the page').toContain(1);
    expect((await messages(page).count()), `articles in the page with all ${COUNT} messages loaded`).toBeLessThan(120);

    // (c) Scrolled up: "Jump to latest"; a new message from Bob bumps its count; it brings the newest into view.
    const jump = page.getByRole('button', { name: 'Jump to latest' });
    await shown(jump);
    await openChat(bob, alice.name);
    await send(bob, 'Bob writes while Alice reads old messages');
    await until('the count on Jump to latest', async () => /\b1 new\b/.test((await jump.textContent()) ?? ''), true);
    expect(await message(page, 'Bob writes while Alice reads old messages').isVisible(), 'the new message while scrolled up').toBe(false);
    await jump.click();
    await shown(message(page, 'Bob writes while Alice reads old messages'));
    await until('Jump to latest once at the bottom', () => jump.count(), 0);
    await shown(message(page, text(COUNT)));

    // (d) Bob writes while Alice is on her list: opening the chat shows the marker above the first unread one.
    // Alice's first device leaves the chat too: with it open (and its page focused) it would read them.
    for (const p of [alice.page, page]) {
      await p.getByRole('button', { name: 'Settings' }).click();
      await until('the chat closed', () => chatTitle(p, bob.name).count(), 0);
    }
    await send(bob, 'First unread from Bob');
    await send(bob, 'Second unread from Bob');
    await shown(conversationLink(page, bob.name).getByLabel('2 unread', { exact: true }));
    await openChat(reader, bob.name);
    const marker = log.getByRole('separator', { name: 'Unread messages' });
    await shown(marker);
    await shown(message(page, 'First unread from Bob'));
    const markerBox = await marker.boundingBox();
    const firstBox = await message(page, 'First unread from Bob').boundingBox();
    const readBox = await message(page, 'Bob writes while Alice reads old messages').boundingBox();
    expect(markerBox!.y, 'the marker is above the first unread message').toBeLessThan(firstBox!.y);
    if (readBox) expect(markerBox!.y, 'the marker is below the message already read').toBeGreaterThan(readBox.y);
  });
});

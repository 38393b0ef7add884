// Media between two people in the web app, against a real server process (uploads, processing,
// signed URLs): Alice sends Bob a photo with a caption through Attach and the send sheet, Bob
// sees its thumbnail and opens it in the lightbox; Alice records a voice note with Chromium's
// fake microphone and Bob plays it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { fixturePath } from '@ottr/server/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { composer, gone, message, messages, openChat, send, shown, signUp, startChat, until } from './app.js';
import { describeWeb, DESKTOP, FAKE_MICROPHONE, PHONE, screenshot, type Person } from './harness.js';

/** Width and height of a loaded <img> (0×0 until it has decoded a picture). */
function naturalSize(img: Locator): Promise<[number, number]> {
  return img.evaluate((el: HTMLImageElement) => [el.naturalWidth, el.naturalHeight] as [number, number]);
}

describeWeb(
  'web app: media',
  (web) => {
    let dir: string;
    let photo: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'ottr-web-media-'));
      // 800×500: a blue field with an orange sun, so the thumbnail (≤ 320 px) is a real resize.
      photo = path.join(dir, 'sunset.png');
      const sun = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#f08a24' } }).png().toBuffer();
      await sharp({ create: { width: 800, height: 500, channels: 3, background: '#1c5d99' } })
        .composite([{ input: sun, left: 300, top: 150 }])
        .png()
        .toFile(photo);
    });
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    let alice: Person;
    let bob: Person;

    it('Alice sends Bob a photo with a caption; Bob sees the thumbnail in a box of the photo’s shape and opens the original in the lightbox', { timeout: 90_000 }, async () => {
      [alice, bob] = await Promise.all([web.person('Alice'), web.person('Bob')]);
      await Promise.all([signUp(alice, web.server), signUp(bob, web.server)]);
      await startChat(alice, bob);
      await send(alice, 'Look at this');
      await openChat(bob, alice.name);
      await shown(message(bob.page, 'Look at this'));

      // Attach → Photo, video or file → the browser's file chooser → the send sheet with its preview; a caption; Send.
      await alice.page.getByRole('button', { name: 'Attach' }).click();
      const [chooser] = await Promise.all([alice.page.waitForEvent('filechooser'), alice.page.getByRole('menuitem', { name: 'Photo, video or file' }).click()]);
      await chooser.setFiles(photo);
      const sheet = alice.page.getByRole('dialog', { name: 'Send photo' });
      await shown(sheet);
      await until('the preview to load', async () => (await naturalSize(sheet.getByRole('img', { name: 'Preview' })))[0], 800);
      await sheet.getByRole('textbox', { name: 'Caption' }).fill('Sunset at the lake');
      await screenshot(alice.page, 'media-send-sheet');
      await sheet.getByRole('button', { name: 'Send' }).click();
      await gone(sheet);

      // Bob: the photo with its caption; the thumbnail loaded (≤ 320 px wide, the photo's 8:5 shape).
      const article = message(bob.page, 'Sunset at the lake');
      await shown(article);
      const open = article.getByRole('button', { name: 'Open photo' });
      const thumb = open.locator('img');
      await until('Bob’s thumbnail to load', async () => (await naturalSize(thumb))[0] > 0, true);
      const [w, h] = await naturalSize(thumb);
      expect(w, 'the thumbnail is smaller than the original').toBeLessThanOrEqual(320);
      expect(Math.abs(w / h - 800 / 500), 'the thumbnail keeps the photo’s shape').toBeLessThan(0.02);
      const box = await open.boundingBox();
      expect(Math.abs(box!.width / box!.height - 800 / 500), 'the bubble reserves a box of the photo’s shape').toBeLessThan(0.05);

      // The lightbox: the original (800 px), Escape closes it, focus returns to the photo.
      await open.click();
      const lightbox = bob.page.getByRole('dialog', { name: 'Photo' });
      await shown(lightbox);
      const original = lightbox.getByRole('img', { name: 'Sunset at the lake' });
      await until('the original in the lightbox', async () => (await naturalSize(original))[0], 800);
      expect(await lightbox.getByRole('link', { name: 'Download' }).getAttribute('href'), 'Download asks for the file as an attachment').toContain('download=1');
      await screenshot(bob.page, 'media-lightbox');
      await bob.page.keyboard.press('Escape');
      await gone(lightbox);
      await until('focus back on the photo', () => bob.page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Open photo');

      // The chat list says what the last message was.
      await shown(bob.page.getByRole('list', { name: 'Conversations' }).getByText('Photo: Sunset at the lake'));
    });

    it('Alice records a voice note (the fake microphone); Bob sees its duration and waveform and plays it', { timeout: 90_000 }, async () => {
      const record = alice.page.getByRole('button', { name: 'Record voice message' });
      await until('the composer to be empty', () => composer(alice.page).inputValue(), '');
      await record.click();
      const timer = alice.page.getByRole('timer', { name: 'Recording time' });
      await shown(timer);
      await until('two seconds recorded', async () => (await timer.textContent()) === '0:02', true);
      await screenshot(alice.page, 'media-recording');
      const focused = () => alice.page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
      await until('focus on Send voice message while recording', focused, 'Send voice message');
      await alice.page.keyboard.press('Enter');
      await shown(record);
      await until('focus back in the text box', focused, 'Message');

      // The voice note: the one message with a player.
      const note = messages(bob.page).filter({ has: bob.page.getByRole('slider', { name: 'Position' }) });
      const play = note.getByRole('button', { name: 'Play voice message' });
      await shown(play);
      const position = note.getByRole('slider', { name: 'Position' });
      // The server measured it (ffmpeg): two seconds and a bit, at most about three.
      const seconds = Number(await position.getAttribute('aria-valuemax'));
      expect(seconds, 'the duration Bob sees').toBeGreaterThanOrEqual(2);
      expect(seconds).toBeLessThanOrEqual(4);
      await shown(note.getByText(/^0:0[2-4]$/));
      // The waveform the server computed: bars of different heights (the fake microphone beeps).
      const heights = await position.locator('span').evaluateAll((bars) => bars.map((b) => (b as HTMLElement).style.height));
      expect(heights.length, 'waveform bars').toBeGreaterThan(10);
      expect(new Set(heights).size, 'the waveform is not flat').toBeGreaterThan(1);
      await screenshot(bob.page, 'media-voice-note');

      await play.click();
      await shown(note.getByRole('button', { name: 'Pause voice message' }));
      await until('the position to move while it plays', async () => Number(await position.getAttribute('aria-valuenow')) >= 1, true);
      await shown(note.getByRole('button', { name: 'Play voice message' }));
    });

    it('a file dropped on the chat reaches Bob as a card with its name, size and Download; a program renamed .png is refused with the server’s reason; a pasted image opens the send sheet; a sticker from a new pack shows large', { timeout: 90_000 }, async () => {
      const { page } = alice;
      // Drop: a DataTransfer with a file, as the browser hands it over when a file is dropped.
      const notes = 'Meeting notes\n'.repeat(200);
      const dropped = await page.evaluateHandle((text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'notes.txt', { type: 'text/plain' }));
        return dt;
      }, notes);
      const chat = page.getByRole('region', { name: 'Chat' });
      await chat.dispatchEvent('dragenter', { dataTransfer: dropped });
      await chat.dispatchEvent('dragover', { dataTransfer: dropped });
      await chat.dispatchEvent('drop', { dataTransfer: dropped });
      const sheet = page.getByRole('dialog', { name: 'Send file' });
      await shown(sheet);
      await sheet.getByRole('button', { name: 'Send' }).click();
      await gone(sheet);

      const download = messages(bob.page).getByRole('link', { name: 'Download notes.txt' });
      await shown(download);
      const card = messages(bob.page).filter({ has: bob.page.getByRole('link', { name: 'Download notes.txt' }) });
      await shown(card.getByText('2.7 KB · TXT'));
      const res = await bob.page.request.get((await download.getAttribute('href'))!);
      expect(res.status()).toBe(200);
      expect(res.headers()['content-disposition'], 'Download saves the file').toMatch(/^attachment/);
      expect(await res.text()).toBe(notes);

      // A program renamed .png: the server refuses it by its bytes; the sheet says why and stays open.
      const fake = path.join(dir, 'holiday.png');
      await writeFile(fake, Buffer.concat([Buffer.from('MZ'), Buffer.alloc(2048, 0x90)]));
      const refusals = alice.allowConsoleErrors(/Failed to load resource: the server responded with a status of 4\d\d/);
      await page.getByLabel('File to send').setInputFiles(fake);
      const refused = page.getByRole('dialog', { name: 'Send photo' });
      await refused.getByRole('button', { name: 'Send' }).click();
      await shown(refused.getByRole('alert'));
      expect(await refused.getByRole('alert').textContent()).toMatch(/^The file is application\/x-msdownload; allowed for image: image\/jpeg/);
      refusals();
      await refused.getByRole('button', { name: 'Cancel' }).click();
      await gone(refused);

      // Paste: an image on the clipboard goes to the send sheet, not into the text.
      const png = (await sharp({ create: { width: 40, height: 30, channels: 3, background: '#33aa55' } }).png().toBuffer()).toString('base64');
      await composer(page).evaluate((box, data) => {
        const dt = new DataTransfer();
        dt.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], 'image.png', { type: 'image/png' }));
        box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }, png);
      const pasted = page.getByRole('dialog', { name: 'Send photo' });
      await shown(pasted);
      await until('the pasted image in the preview', async () => (await naturalSize(pasted.getByRole('img', { name: 'Preview' })))[0], 40);
      await pasted.getByRole('button', { name: 'Cancel' }).click();
      await gone(pasted);
      expect(await composer(page).inputValue(), 'nothing was pasted into the text').toBe('');

      // Stickers: a new pack, a sticker added from a file, sent with a click.
      const sticker = path.join(dir, 'star.png');
      await sharp({ create: { width: 256, height: 256, channels: 4, background: { r: 250, g: 200, b: 20, alpha: 1 } } }).png().toFile(sticker);
      await page.getByRole('button', { name: 'Emoji' }).click();
      await page.getByRole('tab', { name: 'Stickers' }).click();
      const picker = page.getByRole('tabpanel', { name: 'Stickers' });
      await picker.getByRole('textbox', { name: 'Pack name' }).fill('Our jokes');
      await picker.getByRole('button', { name: 'New sticker pack' }).click();
      const pack = picker.getByRole('region', { name: 'Our jokes' });
      await shown(pack);
      await pack.getByLabel('Add sticker to Our jokes').setInputFiles(sticker);
      await pack.getByRole('button', { name: 'Sticker', exact: true }).click();

      const received = messages(bob.page).getByRole('img', { name: 'Sticker' });
      await shown(received);
      await until('Bob’s sticker to load', async () => (await naturalSize(received))[0], 256);
      await screenshot(bob.page, 'media-file-and-sticker');
    });

    it('a video plays inline from its poster frame; an audio file shows its name and duration and plays', { timeout: 60_000 }, async () => {
      const { page } = alice;
      const sendFile = async (file: string, title: string, caption: string) => {
        await page.getByLabel('File to send').setInputFiles(file);
        const sheet = page.getByRole('dialog', { name: title });
        await sheet.getByRole('textbox', { name: 'Caption' }).fill(caption);
        await sheet.getByRole('button', { name: 'Send' }).click();
        await gone(sheet);
      };
      await sendFile(fixturePath('clip.webm'), 'Send video', 'A short clip');
      await sendFile(fixturePath('song.mp3'), 'Send audio', 'Our song');

      // The video (160×120, 1 s): the server's poster frame, and it plays.
      const video = message(bob.page, 'A short clip').getByLabel('Video: A short clip');
      await shown(video);
      await until('the video’s poster (made by the server with ffmpeg)', async () => Boolean(await video.getAttribute('poster')), true);
      await video.evaluate((v: HTMLVideoElement) => v.play());
      await until('the video to play', () => video.evaluate((v: HTMLVideoElement) => v.currentTime > 0), true);

      // The audio file (2 s): its name, its duration, Play.
      const song = message(bob.page, 'Our song');
      await shown(song.getByText('song.mp3', { exact: true }));
      await shown(song.getByText('0:02', { exact: true }));
      await song.getByRole('button', { name: 'Play song.mp3' }).click();
      await shown(song.getByRole('button', { name: 'Pause song.mp3' }));
      await screenshot(bob.page, 'media-video-audio');
    });

    it('Alice sends her location (the browser’s position) and a contact card; Bob sees the place, its coordinates and a map link, and the card', { timeout: 60_000 }, async () => {
      const { page } = alice;
      await alice.context.grantPermissions(['geolocation'], { origin: web.server.url });
      await alice.context.setGeolocation({ latitude: 51.508, longitude: -0.128 });
      await page.getByRole('button', { name: 'Attach' }).click();
      await page.getByRole('menuitem', { name: 'Location' }).click();
      const where = page.getByRole('dialog', { name: 'Send location' });
      await shown(where.getByText('51.50800° N, 0.12800° W'));
      await where.getByRole('textbox', { name: 'Place name (optional)' }).fill('Trafalgar Square');
      await where.getByRole('button', { name: 'Send' }).click();
      await gone(where);

      const place = message(bob.page, 'Trafalgar Square');
      await shown(place.getByText('51.50800° N, 0.12800° W'));
      expect(await place.getByRole('link', { name: 'Open in OpenStreetMap' }).getAttribute('href')).toBe('https://www.openstreetmap.org/?mlat=51.508&mlon=-0.128#map=16/51.508/-0.128');

      await page.getByRole('button', { name: 'Attach' }).click();
      await page.getByRole('menuitem', { name: 'Contact' }).click();
      const contact = page.getByRole('dialog', { name: 'Send contact' });
      await contact.getByRole('textbox', { name: 'Name' }).fill('Dana Scully');
      await contact.getByRole('textbox', { name: 'Phone' }).fill('+44 7700 900123');
      await contact.getByRole('button', { name: 'Send' }).click();
      await gone(contact);
      await shown(message(bob.page, 'Dana Scully').getByText('+44 7700 900123'));
      await shown(bob.page.getByRole('list', { name: 'Conversations' }).getByText('Contact: Dana Scully'));

      // Every kind at phone width: pictures shrink to the bubble, nothing scrolls sideways.
      await bob.page.setViewportSize(PHONE);
      await shown(message(bob.page, 'Sunset at the lake'));
      expect(await bob.page.evaluate(() => document.documentElement.scrollWidth), 'no sideways scrolling').toBeLessThanOrEqual(PHONE.width);
      const photoBox = await message(bob.page, 'Sunset at the lake').getByRole('button', { name: 'Open photo' }).boundingBox();
      expect(photoBox!.x + photoBox!.width, 'the photo inside the screen').toBeLessThanOrEqual(PHONE.width);
      await screenshot(bob.page, 'media-phone');
      await bob.page.setViewportSize(DESKTOP);
    });
  },
  { chromiumArgs: FAKE_MICROPHONE },
);

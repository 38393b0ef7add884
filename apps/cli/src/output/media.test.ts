import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Content, MediaId } from '@ottr/protocol';
import { contentText } from './events.js';
import { downloadTarget, kindOf, safeFileName } from './media.js';

const MED = 'med_01JDQ0000000000000000000AB' as MediaId;

describe('media in words', () => {
  it('guesses the kind from the extension: images, video, audio, else file', () => {
    expect(['a.JPG', 'b.webp', 'c.mp4', 'd.MOV', 'e.mp3', 'f.opus', 'g.pdf', 'h'].map(kindOf)).toEqual(['image', 'image', 'video', 'video', 'audio', 'audio', 'file', 'file']);
  });

  it('describes each kind of message in one line', () => {
    const cases: [Content, string][] = [
      [{ kind: 'image', mediaId: MED, caption: 'At the lake', media: { mime: 'image/jpeg', size: 12_345, name: 'photo.jpg', width: 640, height: 480 } }, 'image photo.jpg 640×480 12 KB — At the lake'],
      [{ kind: 'voice', mediaId: MED, media: { mime: 'audio/ogg', size: 5000, durationMs: 3200 } }, 'voice note 0:03'],
      [{ kind: 'video', mediaId: MED, media: { mime: 'video/mp4', size: 2_000_000, name: 'clip.mp4', width: 1280, height: 720, durationMs: 12_000 } }, 'video clip.mp4 1280×720 0:12 1.9 MB'],
      [{ kind: 'file', mediaId: MED, caption: 'Q3', media: { mime: 'application/pdf', size: 120_000, name: 'report.pdf' } }, 'file report.pdf 117 KB — Q3'],
      [{ kind: 'sticker', mediaId: MED, media: { mime: 'image/webp', size: 9000, width: 512, height: 512 } }, 'sticker'],
      [{ kind: 'audio', mediaId: MED }, `audio ${MED}`],
      [{ kind: 'location', lat: 52.52, lng: 13.405, name: 'Berlin' }, 'location 52.52, 13.405 (Berlin) https://www.openstreetmap.org/?mlat=52.52&mlon=13.405#map=16/52.52/13.405'],
      [{ kind: 'contact', name: 'Ada Lovelace', phones: ['+441234567'], emails: ['ada@example.com'] }, 'contact Ada Lovelace +441234567 ada@example.com'],
    ];
    expect(cases.map(([c]) => contentText(c))).toEqual(cases.map(([, text]) => text));
  });
});

describe('file names from the server', () => {
  it('keeps only a harmless last segment: no traversal, separators, control characters or hidden files', () => {
    expect(safeFileName('photo.jpg', MED, 'image/jpeg')).toBe('photo.jpg');
    expect(safeFileName('../../.bashrc', MED, 'text/plain')).toBe('bashrc');
    expect(safeFileName('..\\..\\evil.exe', MED, 'application/octet-stream')).toBe('evil.exe');
    expect(safeFileName('/etc/passwd', MED, 'text/plain')).toBe('passwd');
    expect(safeFileName('a\u0000b\nc.txt', MED, 'text/plain')).toBe('a_b_c.txt');
    expect(safeFileName('..', MED, 'image/png')).toBe(`${MED}.png`);
    expect(safeFileName(undefined, MED, 'application/x-unknown')).toBe(MED);
  });

  it('saves into the current directory, at -o, or inside -o when it is a directory', () => {
    expect(downloadTarget(undefined, false, 'a.png')).toBe(path.resolve('a.png'));
    expect(downloadTarget('out/b.png', false, 'a.png')).toBe(path.resolve('out/b.png'));
    expect(downloadTarget('out', true, 'a.png')).toBe(path.resolve('out', 'a.png'));
  });
});

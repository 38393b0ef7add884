import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { outgoing } from './send-content.js';

const MED = 'med_01JDQ0000000000000000000AB';

describe('what `ottr send` sends', () => {
  it('a file as the kind its extension says, or --as, with a caption', () => {
    expect(outgoing({ file: 'a/photo.PNG' }, [], '')).toEqual({ type: 'file', path: 'a/photo.PNG', kind: 'image' });
    expect(outgoing({ file: 'memo.ogg', as: 'voice' }, [], '')).toEqual({ type: 'file', path: 'memo.ogg', kind: 'voice' });
    expect(outgoing({ file: 'r.pdf', caption: 'Q3' }, [], '')).toEqual({ type: 'file', path: 'r.pdf', kind: 'file', caption: 'Q3' });
  });

  it('a location, a contact with repeated phones and emails, a sticker, or text', () => {
    expect(outgoing({ location: '52.52, 13.405', name: 'Berlin' }, [], '')).toEqual({ type: 'content', content: { kind: 'location', lat: 52.52, lng: 13.405, name: 'Berlin' } });
    expect(outgoing({ contact: 'Ada', phone: ['+1', '+2'], email: ['a@x.org'] }, [], '')).toEqual({
      type: 'content',
      content: { kind: 'contact', name: 'Ada', phones: ['+1', '+2'], emails: ['a@x.org'] },
    });
    expect(outgoing({ sticker: MED }, [], '')).toEqual({ type: 'content', content: { kind: 'sticker', mediaId: MED } });
    expect(outgoing({}, ['hi', 'there'], '')).toEqual({ type: 'text', text: 'hi there' });
  });

  it.each([
    [{ file: 'a.png', location: '1,2' }, [], /--file and --location do not go together/],
    [{ file: 'a.png' }, ['look'], /unexpected text 'look' with --file \(a caption goes in --caption\)/],
    [{ caption: 'x' }, ['hi'], /--caption goes with --file/],
    [{ file: 'a.ogg', as: 'voice', caption: 'x' }, [], /a voice takes no caption/],
    [{ file: 'a.png', as: 'gif' }, [], /--as must be one of image, video, audio, voice, file, sticker/],
    [{ location: '91,0' }, [], /--location must be <lat>,<lng>/],
    [{ location: 'Berlin' }, [], /--location must be <lat>,<lng>/],
    [{ name: 'Berlin' }, ['hi'], /--name goes with --location/],
    [{ contact: 'Ada', as: 'file' }, [], /--as goes with --file/],
    [{ sticker: 'abc' }, [], /--sticker takes a media id/],
  ])('refuses %o %o', (values, words, message) => {
    expect(() => outgoing(values, words, '')).toThrow(UsageError);
    expect(() => outgoing(values, words, '')).toThrow(message);
  });
});

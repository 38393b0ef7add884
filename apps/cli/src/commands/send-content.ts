// What `ottr send` sends, from its arguments: text, a file to upload, a location, a contact or a sticker.
import { isId, MEDIA_KINDS, type Content, type MediaId, type MediaKind } from '@ottr/protocol';
import { str, type Values } from '../args.js';
import { UsageError } from '../errors.js';
import { kindOf } from '../output/media.js';

/** A message ready to send, or a file to upload first and send as `kind`. */
export type Outgoing =
  | { type: 'content'; content: Content }
  | { type: 'file'; path: string; kind: MediaKind; caption?: string }
  /** Text from the words, or from stdin when there are none. */
  | { type: 'text'; text: string };

/** Kinds whose messages take a caption. */
const CAPTIONED: ReadonlySet<MediaKind> = new Set(['image', 'video', 'audio', 'file']);

const list = (values: Values, name: string): string[] => {
  const v = values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
};

/** `52.52,13.405` (spaces allowed) as a point on Earth. */
export function parseLatLng(text: string, usage: string): { lat: number; lng: number } {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text);
  const lat = Number(m?.[1]);
  const lng = Number(m?.[2]);
  if (!m || Math.abs(lat) > 90 || Math.abs(lng) > 180) throw new UsageError(`--location must be <lat>,<lng> in degrees (e.g. 52.52,13.405), got '${text}'`, usage);
  return { lat, lng };
}

/**
 * What the arguments ask to send. Exactly one of: words (or stdin), --file, --location, --contact,
 * --sticker; the options of one (--caption, --as, --name, --phone, --email) only with it.
 */
export function outgoing(values: Values, words: string[], usage: string): Outgoing {
  const chosen = ['file', 'location', 'contact', 'sticker'].filter((o) => values[o] !== undefined);
  if (chosen.length > 1) throw new UsageError(`--${chosen[0]} and --${chosen[1]} do not go together (one message at a time)`, usage);
  const [what] = chosen;
  if (what !== undefined && words.length > 0) {
    throw new UsageError(`unexpected text '${words.join(' ')}' with --${what}${what === 'file' ? ' (a caption goes in --caption)' : ''}`, usage);
  }
  const only = (option: string, allowedWith: string) => {
    if (values[option] !== undefined && what !== allowedWith) throw new UsageError(`--${option} goes with --${allowedWith}`, usage);
  };
  only('as', 'file');
  only('phone', 'contact');
  only('email', 'contact');
  only('name', 'location');
  const caption = str(values, 'caption');
  if (caption !== undefined && what !== 'file') throw new UsageError('--caption goes with --file', usage);

  switch (what) {
    case 'file': {
      const path = str(values, 'file')!;
      const as = str(values, 'as');
      if (as !== undefined && !(MEDIA_KINDS as readonly string[]).includes(as)) throw new UsageError(`--as must be one of ${MEDIA_KINDS.join(', ')}, got '${as}'`, usage);
      const kind = (as as MediaKind | undefined) ?? kindOf(path);
      if (caption !== undefined && !CAPTIONED.has(kind)) throw new UsageError(`a ${kind} takes no caption`, usage);
      return { type: 'file', path, kind, ...(caption !== undefined ? { caption } : {}) };
    }
    case 'location': {
      const name = str(values, 'name');
      return { type: 'content', content: { kind: 'location', ...parseLatLng(str(values, 'location')!, usage), ...(name !== undefined ? { name } : {}) } };
    }
    case 'contact': {
      const [phones, emails] = [list(values, 'phone'), list(values, 'email')];
      return {
        type: 'content',
        content: { kind: 'contact', name: str(values, 'contact')!, ...(phones.length > 0 ? { phones } : {}), ...(emails.length > 0 ? { emails } : {}) },
      };
    }
    case 'sticker': {
      const id = str(values, 'sticker')!;
      if (!isId('media', id)) throw new UsageError(`--sticker takes a media id (med_…), got '${id}'`, usage);
      return { type: 'content', content: { kind: 'sticker', mediaId: id as MediaId } };
    }
    default:
      return { type: 'text', text: words.join(' ') };
  }
}

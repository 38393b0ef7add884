import { LIMITS, isMediaContent, utf8Length, type Content } from '@ottr/protocol';
import { AppError } from '../../errors/index.js';
import { findLinks } from './links.js';

/**
 * Checks what the schema cannot (UTF-8 byte limits, mention ranges) and returns the content as
 * it will be stored: text gets the server's `links`, whatever the client sent there.
 */
export function prepareContent(content: Content): Content {
  if (content.kind === 'text') {
    if (content.text.trim().length === 0) throw new AppError('validation_failed', 'text must not be blank');
    if (utf8Length(content.text) > LIMITS.textBytes) throw new AppError('content_too_large', `text exceeds ${LIMITS.textBytes} bytes`);
    for (const m of content.mentions ?? []) {
      if (m.offset + m.length > content.text.length) throw new AppError('validation_failed', 'a mention lies outside the text');
    }
    const links = findLinks(content.text);
    const stored = { ...content };
    delete stored.links;
    if (links.length > 0) stored.links = links;
    return stored;
  }
  if ('caption' in content && content.caption !== undefined && utf8Length(content.caption) > LIMITS.captionBytes) {
    throw new AppError('content_too_large', `caption exceeds ${LIMITS.captionBytes} bytes`);
  }
  return content;
}

/**
 * An edit keeps the kind; media messages may only change their caption, and keep the server's
 * description of their media. Returns the content to store.
 */
export function editedContent(before: Content, after: Content): Content {
  if (before.kind !== after.kind) throw new AppError('bad_request', `a ${before.kind} message cannot become ${after.kind}`);
  if (isMediaContent(before) && isMediaContent(after)) {
    if (before.mediaId !== after.mediaId) throw new AppError('bad_request', 'only the caption of a media message can be edited');
    const kept = { ...prepareContent(after) } as typeof after;
    delete kept.media;
    return before.media ? ({ ...kept, media: before.media }) : kept;
  }
  return prepareContent(after);
}

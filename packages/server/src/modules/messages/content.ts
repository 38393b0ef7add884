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
  if (isMediaContent(content)) {
    // Media objects arrive with the media issue (uploads); until then no mediaId can exist.
    throw new AppError('media_not_found', `media ${content.mediaId} does not exist`);
  }
  return content;
}

/** An edit keeps the kind; media messages may only change their caption. */
export function checkEditable(before: Content, after: Content): void {
  if (before.kind !== after.kind) throw new AppError('bad_request', `a ${before.kind} message cannot become ${after.kind}`);
  if (isMediaContent(before) && isMediaContent(after) && before.mediaId !== after.mediaId) {
    throw new AppError('bad_request', 'only the caption of a media message can be edited');
  }
}

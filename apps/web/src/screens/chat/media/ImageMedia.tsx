import type { MediaContent } from './kinds.js';
import { fitBox } from './format.js';
import { Picture } from './Picture.js';

/** Largest side of a picture in a bubble, and the smallest (px). */
export const BUBBLE_MAX = 300;
const BUBBLE_MIN = 96;

/** A photo in a bubble: its thumbnail in a box of the photo's shape; a click opens the lightbox. */
export function ImageMedia({ content, onOpen }: { content: Extract<MediaContent, { kind: 'image' }>; onOpen: () => void }) {
  const box = fitBox(content.media?.width, content.media?.height, BUBBLE_MAX, BUBBLE_MAX, BUBBLE_MIN);
  return (
    <button type="button" className="media-open" aria-label="Open photo" onClick={onOpen}>
      <Picture mediaId={content.mediaId} variant="thumbnail" info={content.media} box={box} alt={content.caption || 'Photo'} />
    </button>
  );
}

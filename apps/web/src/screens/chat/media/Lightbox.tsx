import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Icon } from '../../../components/Icon.js';
import { useModalFocus } from '../../../components/modal.js';
import { fitBox } from './format.js';
import type { MediaContent } from './kinds.js';
import { Picture } from './Picture.js';
import { downloadUrl } from './download.js';
import { useMediaUrl } from './useMediaUrl.js';

export type ImageContent = Extract<MediaContent, { kind: 'image' }>;

/** Room around the photo for the bars above and below it (px). */
const CHROME_X = 32;
const CHROME_Y = 160;

function useViewport(): { width: number; height: number } {
  const [size, setSize] = useState(() => ({ width: window.innerWidth, height: window.innerHeight }));
  useEffect(() => {
    const onResize = () => setSize({ width: window.innerWidth, height: window.innerHeight });
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return size;
}

/**
 * The photos of a chat, one at a time and as large as the window allows (the original file; its
 * blurhash until it loads). Left/Right (or the buttons) go to the previous/next photo, Escape
 * or Close ends it, and focus returns to the photo it was opened from. Download saves the original.
 */
export function Lightbox({ images, start, onClose }: { images: readonly ImageContent[]; start: number; onClose: () => void }) {
  const [index, setIndex] = useState(start);
  const ref = useRef<HTMLDivElement>(null);
  const trapTab = useModalFocus(ref);
  const viewport = useViewport();
  const image = images[Math.min(index, images.length - 1)];
  const original = useMediaUrl(image?.mediaId ?? null, 'original');
  if (!image) return null;
  const box = fitBox(image.media?.width, image.media?.height, viewport.width - CHROME_X, viewport.height - CHROME_Y);
  const go = (step: number) => setIndex((i) => Math.min(images.length - 1, Math.max(0, i + step)));
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
    } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      e.preventDefault();
      go(e.key === 'ArrowLeft' ? -1 : 1);
    } else trapTab(e);
  };
  const position = images.length > 1 ? `${index + 1} of ${images.length}` : '';
  return (
    <div className="lightbox" role="dialog" aria-modal="true" aria-label={position ? `Photo ${position}` : 'Photo'} ref={ref} tabIndex={-1} onKeyDown={onKeyDown}>
      <div className="lightbox-bar">
        <span className="lightbox-position">{position}</span>
        {original.url ? (
          <a className="icon-btn" href={downloadUrl(original.url)} download={image.media?.name ?? ''} aria-label="Download" title="Download">
            <Icon name="download" />
          </a>
        ) : null}
        <button type="button" className="icon-btn" aria-label="Close" data-close onClick={onClose}>
          <Icon name="close" />
        </button>
      </div>
      <div className="lightbox-stage" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
        <button type="button" className="icon-btn lightbox-nav" aria-label="Previous photo" disabled={index === 0} onClick={() => go(-1)}>
          <Icon name="prev" />
        </button>
        <Picture key={image.mediaId} mediaId={image.mediaId} variant="original" info={image.media} box={box} alt={image.caption || 'Photo'} className="lightbox-picture" />
        <button type="button" className="icon-btn lightbox-nav" aria-label="Next photo" disabled={index >= images.length - 1} onClick={() => go(1)}>
          <Icon name="next" />
        </button>
      </div>
      {image.caption ? <p className="lightbox-caption">{image.caption}</p> : null}
    </div>
  );
}

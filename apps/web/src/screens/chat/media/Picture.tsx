import { useState } from 'react';
import { Blurhash } from './Blurhash.js';
import type { MediaId, MediaInfo } from './kinds.js';
import { useMediaUrl, type Variant } from './useMediaUrl.js';

/**
 * A picture of a media file in a box of a known size: the blurhash placeholder at once, the
 * picture over it once loaded (the box does not change size, so the chat's rows do not jump).
 * On a narrow screen the box shrinks to the bubble's width and keeps its shape.
 */
export function Picture({
  mediaId,
  variant,
  info,
  box,
  alt,
  className = '',
}: {
  mediaId: MediaId;
  variant: Variant;
  info: MediaInfo | undefined;
  box: { width: number; height: number };
  alt: string;
  className?: string;
}) {
  const { url, failed, renew } = useMediaUrl(mediaId, variant);
  const [loaded, setLoaded] = useState<string | null>(null);
  return (
    <span className={`media-picture ${className}`} style={{ width: box.width, aspectRatio: `${box.width} / ${box.height}` }}>
      {info?.blurhash && loaded !== url ? <Blurhash hash={info.blurhash} /> : null}
      {url ? <img src={url} alt={alt} className={loaded === url ? 'media-loaded' : ''} onLoad={() => setLoaded(url)} onError={renew} /> : null}
      {failed ? <span className="media-unavailable">Not available</span> : null}
    </span>
  );
}

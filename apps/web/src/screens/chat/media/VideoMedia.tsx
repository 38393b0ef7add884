import { fitBox } from './format.js';
import type { MediaContent } from './kinds.js';
import { BUBBLE_MAX } from './ImageMedia.js';
import { Blurhash } from './Blurhash.js';
import { useMediaUrl } from './useMediaUrl.js';

/**
 * A video in a bubble: its poster frame (when the server made one) in a box of the video's
 * shape, playing inline with the browser's controls; nothing is downloaded before Play.
 */
export function VideoMedia({ content }: { content: Extract<MediaContent, { kind: 'video' }> }) {
  const media = content.media;
  const box = fitBox(media?.width, media?.height, BUBBLE_MAX, BUBBLE_MAX, 96);
  const poster = useMediaUrl(content.mediaId, 'poster');
  const original = useMediaUrl(content.mediaId, 'original');
  return (
    <span className="media-picture" style={{ width: box.width, aspectRatio: `${box.width} / ${box.height}` }}>
      {media?.blurhash ? <Blurhash hash={media.blurhash} /> : null}
      {original.url ? (
        <video
          className="media-loaded"
          src={original.url}
          poster={poster.url ?? undefined}
          controls
          playsInline
          preload="none"
          aria-label={content.caption ? `Video: ${content.caption}` : 'Video'}
          onError={original.renew}
        />
      ) : null}
      {original.failed ? <span className="media-unavailable">Not available</span> : null}
    </span>
  );
}

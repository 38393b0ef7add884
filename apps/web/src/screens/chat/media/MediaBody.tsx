import { AudioPlayer } from './AudioPlayer.js';
import { FileCard } from './FileCard.js';
import { fitBox } from './format.js';
import { ImageMedia } from './ImageMedia.js';
import type { MediaContent } from './kinds.js';
import { Picture } from './Picture.js';
import { VideoMedia } from './VideoMedia.js';

/** Largest side of a sticker (px). */
const STICKER_MAX = 160;

/** The media part of a message (its caption is shown by the caller). */
export function MediaBody({ content, onOpenImage }: { content: MediaContent; onOpenImage: () => void }) {
  switch (content.kind) {
    case 'image':
      return <ImageMedia content={content} onOpen={onOpenImage} />;
    case 'video':
      return <VideoMedia content={content} />;
    case 'voice':
      return <AudioPlayer mediaId={content.mediaId} durationMs={content.media?.durationMs} waveform={content.media?.waveform ?? []} label="voice message" />;
    case 'audio':
      return (
        <div className="audio-file">
          {content.media?.name ? <span className="msg-card-title">{content.media.name}</span> : null}
          <AudioPlayer mediaId={content.mediaId} durationMs={content.media?.durationMs} label={content.media?.name ?? 'audio'} />
        </div>
      );
    case 'file':
      return <FileCard mediaId={content.mediaId} info={content.media} />;
    case 'sticker':
      return (
        <Picture
          mediaId={content.mediaId}
          variant="original"
          info={content.media}
          box={fitBox(content.media?.width, content.media?.height, STICKER_MAX, STICKER_MAX)}
          alt="Sticker"
          className="media-sticker"
        />
      );
  }
}

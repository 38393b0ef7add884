import { Icon } from '../../../components/Icon.js';
import { downloadUrl } from './download.js';
import { formatBytes } from '@ottr/sdk/browser';
import { extensionOf } from './format.js';
import type { MediaId, MediaInfo } from './kinds.js';
import { useMediaUrl } from './useMediaUrl.js';

/** A document in a bubble: an icon with its extension, the name, the size, and Download. */
export function FileCard({ mediaId, info }: { mediaId: MediaId; info: MediaInfo | undefined }) {
  const { url } = useMediaUrl(mediaId, 'original');
  const name = info?.name ?? 'File';
  const ext = extensionOf(info?.name);
  return (
    <div className="file-card">
      <span className="file-icon" aria-hidden="true">
        <Icon name="file" />
        {ext ? <span className="file-ext">{ext}</span> : null}
      </span>
      <span className="file-text">
        <span className="file-name">{name}</span>
        <span className="msg-muted">{[info ? formatBytes(info.size) : null, ext].filter(Boolean).join(' · ')}</span>
      </span>
      {url ? (
        <a className="icon-btn" href={downloadUrl(url)} download={name} aria-label={`Download ${name}`} title="Download">
          <Icon name="download" />
        </a>
      ) : null}
    </div>
  );
}

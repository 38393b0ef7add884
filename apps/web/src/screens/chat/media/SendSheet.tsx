import { useEffect, useId, useState } from 'react';
import { LIMITS } from '@ottr/sdk/browser';
import { useOttr } from '../../../app/ottr.js';
import { Dialog } from '../../../components/Dialog.js';
import { FormError } from '../../../components/Form.js';
import { Icon } from '../../../components/Icon.js';
import { formatBytes } from '@ottr/sdk/browser';
import { infoOf, kindForFile, limitProblem, SEND_TITLE, type MediaContent } from './kinds.js';
import { useUpload } from './useUpload.js';

/**
 * A blob: URL of `file` while the component shows it, revoked afterwards; null until made and
 * when the file changed (an element never gets a URL already revoked).
 */
function useObjectUrl(file: Blob): string | null {
  const [made, setMade] = useState<{ file: Blob; url: string } | null>(null);
  useEffect(() => {
    const url = URL.createObjectURL(file);
    setMade({ file, url });
    return () => URL.revokeObjectURL(url);
  }, [file]);
  return made?.file === file ? made.url : null;
}

function Preview({ file, kind }: { file: File; kind: ReturnType<typeof kindForFile> }) {
  const url = useObjectUrl(file);
  if (!url) return null;
  switch (kind) {
    case 'image':
      return <img className="sheet-preview" src={url} alt="Preview" />;
    case 'video':
      return <video className="sheet-preview" src={url} controls muted playsInline aria-label="Preview" />;
    case 'audio':
      return <audio src={url} controls aria-label="Preview" />;
    case 'file':
      return (
        <div className="file-card">
          <span className="file-icon" aria-hidden="true">
            <Icon name="file" />
          </span>
          <span className="file-text">
            <span className="file-name">{file.name}</span>
            <span className="msg-muted">{formatBytes(file.size)}</span>
          </span>
        </div>
      );
  }
}

/**
 * The send sheet of a picked, dropped or pasted file: a preview, a caption, Send. Sending
 * uploads the file with its progress shown; Cancel (or Escape) stops the upload. Once the server
 * has the file the message is sent and the sheet closes; a failure stays in the sheet with its
 * reason, and Send tries again.
 */
export function SendSheet({ file, onSend, onClose }: { file: File; onSend: (content: MediaContent) => void; onClose: () => void }) {
  const { client } = useOttr();
  const kind = kindForFile(file);
  const [caption, setCaption] = useState('');
  // The size limits, asked for once: a file that cannot fit is said at once, not after uploading.
  const [tooLarge, setTooLarge] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    client.media.storage().then(
      (limits) => live && setTooLarge(limitProblem(file.size, kind, limits)),
      () => undefined, // the server checks again anyway
    );
    return () => {
      live = false;
    };
  }, [client, file, kind]);
  const upload = useUpload();
  const captionId = useId();
  const busy = upload.progress !== null;
  const tooLong = new TextEncoder().encode(caption).length > LIMITS.captionBytes;

  const send = async () => {
    const media = await upload.start(file, { kind, name: file.name });
    if (!media) return;
    const text = caption.trim();
    onSend({ kind, mediaId: media.id, media: infoOf(media), ...(text ? { caption: text } : {}) });
    onClose();
  };
  const close = () => {
    upload.cancel();
    onClose();
  };

  return (
    <Dialog
      title={SEND_TITLE[kind]}
      onClose={close}
      footer={
        <>
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={busy || tooLong || tooLarge !== null} onClick={() => void send()}>
            Send
          </button>
        </>
      }
    >
      <Preview file={file} kind={kind} />
      <div className="field">
        <label htmlFor={captionId}>Caption</label>
        <textarea
          id={captionId}
          className="input sheet-caption"
          rows={2}
          value={caption}
          disabled={busy}
          onChange={(e) => setCaption(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              if (!busy && !tooLong && !tooLarge) void send();
            }
          }}
        />
        {tooLong ? <p className="error-text">The caption is too long.</p> : null}
      </div>
      {busy ? (
        <div className="sheet-progress">
          <progress max={1} value={upload.progress ?? 0} aria-label="Uploading" />
          <span className="msg-muted">{(upload.progress ?? 0) >= 1 ? 'Processing…' : `${Math.round((upload.progress ?? 0) * 100)}%`}</span>
        </div>
      ) : null}
      <FormError error={tooLarge ?? upload.error} />
    </Dialog>
  );
}
